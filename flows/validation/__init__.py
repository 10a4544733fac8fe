"""The columnar Table Schema validator and its parts (the stage is flows/stages/validate.py).

numpy's OpenBLAS starts a thread per core when numpy is first imported, and that thread spins
for a while waiting for work: on two cores it takes the CPU the CSV reader needs (about 50 ms
of a one-second validation). Nothing here does linear algebra, so OpenBLAS is asked for one
thread unless the environment says otherwise (this only has an effect before numpy's import).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
