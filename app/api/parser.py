"""Request bodies of the REST API through the bounded JSON reader: webargs' own reader has
no size, depth or finiteness bounds."""

from typing import Any

from flask import current_app
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from app.jsonbody import BadJson, json_body
from app.problem_details import Problem


class BoundedJsonParser(FlaskParser):
    def load_json(self, req, schema) -> Any:
        if not req.get_data(cache=True):
            return core.missing  # the schema says which fields are missing
        if not is_json_request(req):
            raise Problem("unsupported_media_type")
        try:
            return json_body(max_bytes=current_app.config["API_MAX_BODY"])
        except BadJson as refused:
            code = "too_large" if refused.code == "too_large" else "bad_json"
            raise Problem(code, detail=refused.message) from None
