"""The monthly finalisation's steps as plain functions; stages.py runs them in order.

- `batch`: the kelurahan inputs of a period stacked into one `Batch`.
- `deciding`: one outcome per prelist row (validate -> approve -> match -> decide).
- `counts`: rows per kelurahan folder x outcome.
- `persist`: a period's rows into the store, inside publish.py's transaction.
"""
