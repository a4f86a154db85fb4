"""Findings for product managers: key metrics, segment differences and waves, as plain data.

Like `analysis.stats`, nothing here imports Flask: functions take a definition dict and a
response DataFrame (already filtered by the web layer's query) and return JSON-ready dicts
whose sentences are codes with numbers (`analysis.stats.narrator`), translated by the web.

- `metrics`: the key metrics an owner picks (NPS, CSAT, SUS, top-2 box, mean) as one value
  per respondent, so every later step (segments, waves) compares means of those values.
- `query`: the filters, weights and exclusions a figure was computed under, stored with it.
- `scan`: automatic insights, every metric and choice question against every segment level,
  Benjamini–Hochberg over the scan and effect thresholds (`scan_cells` its fast path,
  `scan_reference` the plain one it is tested against, `claims` the stored result).
"""
