"""The data bank's flows between registers (§3, §9, §11, §12): a body's register sends
packages of cards to its Directorate, the Directorate to the central bank; each answers
with an acknowledgement. One file format (format.py) for every package.

    export.export_cards / reexport   the package for the tier above (dispatches first)
    recorder                         an export's records made by a second process
    receive.receive                  `apcard import`: a package of cards or an acknowledgement
    intake                           checking and applying received card records
    queue                            received cards waiting for an operator (probable matches)
    ack.write_ack                    the acknowledgement of what was received
"""
