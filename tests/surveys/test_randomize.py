"""Per-respondent option order."""

from collections import Counter

from surveys import load_definition, option_order, row_order


def apps(definition):
    return definition["pages"][1]["questions"][0]


def test_not_randomised_keeps_definition_order(definition):
    gender = definition["pages"][0]["questions"][2]
    assert option_order(gender, seed="resp-1") == ["1", "2", "other"]


def test_same_seed_same_order_and_fixed_positions_kept(definition):
    question = apps(definition)
    values = [o["value"] for o in question["options"]]
    orders = [option_order(question, seed=f"resp-{i}") for i in range(60)]
    assert option_order(question, seed="resp-7") == orders[7]
    for order in orders:
        assert sorted(order) == sorted(values)
        assert order[4:] == ["other", "none"]  # "other" and the exclusive option stay put
    firsts = Counter(order[0] for order in orders)
    assert set(firsts) == {"wx", "zfb", "dy", "tb"}  # every movable option comes first sometimes


def test_models_and_dicts_give_the_same_order(definition):
    question = load_definition(definition).question("apps")
    assert option_order(question, 42) == option_order(apps(definition), 42)


def test_known_order_is_stable_across_runs(definition):
    # sha256("s1\x1fapps\x1fwx") etc. sorted: recorded once, pins the algorithm so that a
    # respondent resuming later (in another process or Python version) sees the same order
    assert option_order(apps(definition), "s1") == option_order(apps(definition), "s1")
    digests = {
        value: __import__("hashlib").sha256(f"s1\x1fapps\x1f{value}".encode()).hexdigest()
        for value in ("wx", "zfb", "dy", "tb")
    }
    expected = sorted(digests, key=digests.get)
    assert option_order(apps(definition), "s1")[:4] == expected


def test_matrix_rows(definition):
    likert = definition["pages"][1]["questions"][2]
    assert row_order(likert, "x") == ["r1", "r2"]
    likert["randomize"] = True
    assert sorted(row_order(likert, "x")) == ["r1", "r2"]
