"""A findings query survives a round trip through a URL's arguments."""

from werkzeug.datastructures import MultiDict

from analysis.findings.query import Query
from app.findings.query_args import query_args, query_from_args


def test_segments_and_switches_come_back_from_the_url_they_were_written_to():
    query = Query.of({"age": ["25-34", "18-24"], "city": ["上海"]}, weighted=True)
    args = MultiDict()
    for key, value in query_args(query).items():
        for v in value if isinstance(value, list) else [value]:
            args.add(key, v)
    assert query_from_args(args) == query
    assert query_from_args(MultiDict([("seg.", "x"), ("exclude_flagged", "yes")])) == Query.of()
