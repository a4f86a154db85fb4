"""Analysis engines of Wenfang: statistics on answers and Chinese text analysis.

Plain data in, plain data out: no Flask, no database. The web layer hands over a
questionnaire definition (dict) and a response table (pandas DataFrame).
"""

import pandas as pd

# Text columns in pandas' own string storage whether or not pyarrow is installed (a test
# reference, samplics, brings pyarrow in; production does not install it): the same storage,
# and so the same speed and behaviour, everywhere the engine runs.
pd.set_option("mode.string_storage", "python")
