"""What an import proposes to link, and section 3.3's findings in counting order, from plain data."""

from app.services.importers.plan_links import propose
from app.services.reports.plan_data import coverage, number_ranges


def test_a_proposal_lists_codes_and_actions_in_counting_order():
    proposal = propose("1.0", ["R10", "AfI2", "R6c", "R1", "AfI10"], ["1.10", "1.2", "1.1"], new_improvement_areas=2)
    assert proposal.findings == ["AfI2", "AfI10", "R1", "R6c", "R10"]
    assert proposal.actions == ["1.1", "1.2", "1.10"]
    assert proposal.sentence == ("AfI2, AfI10, R1, R6c, R10, 2 new Areas for Improvement → each of its 3 actions "
                                 "(1.1, 1.2, 1.10)")
    assert propose("2.0", ["R3"], ["2.1"]).sentence == "R3 → action 2.1"


def test_nothing_is_proposed_without_findings_or_without_actions():
    assert propose("1.0", [], ["1.1"]) is None
    assert propose("1.0", ["R1"], []) is None
    assert propose("1.0", [], ["1.1"], new_improvement_areas=1) is not None


def test_coverage_in_counting_order_and_codes_for_a_report_frozen_before_afis_had_them():
    def area(number, recommendations, improvement_areas):
        return {"number": number, "actions": [], "recommendations": [
            {"code": code, "text": code, "action_ids": []} for code in recommendations],
            "improvement_areas": improvement_areas}

    data = {"areas": [area("1.0", ["R6c", "R10"], [{"text": "old, no code", "action_ids": []}]),
                      area("2.0", ["R1", "R3"], [{"code": "AfI10", "text": "b", "action_ids": []},
                                                 {"code": "AfI2", "text": "a", "action_ids": []}])]}
    found = coverage(data)
    assert [e["label"] for e in found["recommendations"]] == ["R1", "R3", "R6c", "R10"]
    assert [(e["label"], e["area"]) for e in found["improvement_areas"]] == [
        ("AfI1", "1.0"), ("AfI2", "2.0"), ("AfI10", "2.0")]


def test_action_numbers_are_shortened_to_runs_within_an_area():
    assert number_ranges(["1.1", "1.2", "1.3", "1.10", "2.3", "2.5", "2.6", "X"]) == "1.1–1.3, 1.10, 2.3, 2.5–2.6, X"
    assert number_ranges([f"1.{n}" for n in range(1, 17)]) == "1.1–1.16"
    assert number_ranges([]) == ""
