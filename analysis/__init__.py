"""Analysis engines of Wenfang: statistics on answers and Chinese text analysis.

Plain data in, plain data out: no Flask, no database. The web layer hands over a
questionnaire definition (dict) and a response table (pandas DataFrame).
"""
