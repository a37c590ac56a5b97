"""The audit tool as data: every element and standard verbatim, versioned so old audits keep theirs."""

import json
from datetime import datetime

from app.services.audits.tool import TOOL_FILE, current_tool, load_tool

NOW = datetime(2021, 3, 1, 9, 0)


def test_nine_elements_with_their_standards_verbatim(db):
    tool, created = load_tool(now=NOW)
    source = json.loads(TOOL_FILE.read_text(encoding="utf-8"))
    assert created and tool.version == 1
    assert [len(element.standards) for element in tool.elements] == [12, 9, 6, 10, 5, 5, 9, 7, 5]
    assert sum(len(element.standards) for element in tool.elements) == 68
    for element, expected in zip(tool.elements, source["elements"], strict=True):
        assert (element.number, element.title, element.comment_prompt) == (
            expected["number"], expected["title"], expected["comment_prompt"])
        assert [standard.text for standard in element.standards] == expected["standards"]


def test_loading_the_same_tool_again_changes_nothing(db):
    first, _ = load_tool(now=NOW)
    again, created = load_tool(now=NOW)
    assert not created and again.id == first.id


def test_a_changed_tool_is_a_new_version_and_the_old_one_is_kept(db, tmp_path):
    first, _ = load_tool(now=NOW)
    source = json.loads(TOOL_FILE.read_text(encoding="utf-8"))
    source["elements"][0]["standards"].append("A new standard added in a later version.")
    changed = tmp_path / "tool-v2.json"
    changed.write_text(json.dumps(source), encoding="utf-8")
    second, created = load_tool(changed, now=NOW)
    assert created and second.version == 2 and current_tool().id == second.id
    assert len(first.elements[0].standards) == 12 and len(second.elements[0].standards) == 13
