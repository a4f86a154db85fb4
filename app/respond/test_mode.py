"""Test links: a researcher answers the published form and the response is stored as a test
response (`Response.is_test`), kept out of results until cleared.

The link is `/s/<slug>?test=<token>`, the token signed with the app's secret for one
questionnaire; it is made on the questionnaire's page for members who may edit it, and
expires after `MAX_AGE_S`.
"""

from itsdangerous import BadData, URLSafeTimedSerializer

MAX_AGE_S = 24 * 3600
_SALT = "wenfang.test-mode"


def token(questionnaire_id: int, secret: str) -> str:
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps({"q": questionnaire_id})


def valid(token_text: str, questionnaire_id: int, secret: str, max_age: int = MAX_AGE_S) -> bool:
    try:
        data = URLSafeTimedSerializer(secret, salt=_SALT).loads(token_text, max_age=max_age)
    except BadData:
        return False
    return isinstance(data, dict) and data.get("q") == questionnaire_id
