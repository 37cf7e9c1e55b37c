"""Re-check the committed PySAL reference numbers against an installed PySAL `inequality`.

    pip install inequality==1.1.2   # pulls libpysal, which ships mexico.csv
    python tests/reference/inequality/make_reference.py

Prints PySAL's values next to the committed ones; they must agree to the stated decimals.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from inequality.gini import Gini
from inequality.theil import Theil, TheilD

HERE = Path(__file__).parent
reference = json.loads((HERE / "pysal_reference.json").read_text())
mexico = pd.read_csv(HERE / "mexico.csv")
columns = reference["theil_t"]["columns"]
y = mexico[columns].to_numpy()
print("gini", Gini(y[:, 0]).g, reference["gini_pcgdp1940"])
print("theil", Theil(y).T, reference["theil_t"]["values"])
print("between", TheilD(y, mexico["hanson98"].to_numpy()).bg,
      reference["theil_t_between_hanson98"]["values"])
np.testing.assert_almost_equal(Theil(y).T, reference["theil_t"]["values"], decimal=7)
