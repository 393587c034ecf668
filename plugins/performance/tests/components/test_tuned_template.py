"""The line-oriented template language of the TuneD profile templates (components/tuned)."""

from __future__ import annotations

import pytest

from nto_performance.components.tuned._template import TemplateError, render_template

FLAGS = {"a": True, "b": False}
VALUES = {"x": "X", "empty": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("k={{ x }}", "k=X\n", id="substitution"),
        pytest.param("k={{x}}{{ x }}", "k=XX\n", id="tight-and-repeated"),
        pytest.param("k=${f:exec:uname:-r} ${isolated_cores}", None, id="tuned-syntax-untouched"),
        pytest.param("{# dropped #}\nk=1", "k=1\n", id="comment-line-dropped"),
        pytest.param("{% if a %}\nyes\n{% end %}", "yes\n", id="if-true"),
        pytest.param("{% if b %}\nyes\n{% end %}\nafter", "after\n", id="if-false"),
        pytest.param("{% if b %}\n1\n{% else %}\n2\n{% end %}", "2\n", id="else-branch"),
        pytest.param("{% if not b %}\n1\n{% end %}", "1\n", id="not"),
        pytest.param("{% if a and not b %}\n1\n{% end %}", "1\n", id="and-not"),
        pytest.param("{% if a and b %}\n1\n{% end %}", "\n", id="and-false"),
        pytest.param(
            "{% if b %}\n{% if a %}\n1\n{% else %}\n2\n{% end %}\n{% else %}\n3\n{% end %}",
            "3\n",
            id="nested-in-inactive",
        ),
        pytest.param(
            "{% if a %}\n{% if b %}\n1\n{% else %}\n2\n{% end %}\n{% end %}", "2\n", id="nested"
        ),
        pytest.param("  {%  if  a  %}  \n1\n{%end%}", "1\n", id="loose-spacing"),
    ],
)
def test_render(text: str, expected: str | None) -> None:
    result = render_template("t", text, values=VALUES, flags=FLAGS)
    assert result == (expected if expected is not None else text + "\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{{ nope }}", "t:1: unknown variable 'nope'", id="unknown-variable"),
        pytest.param("\n{% if nope %}\n{% end %}", "t:2: unknown flag 'nope'", id="unknown-flag"),
        pytest.param("{% if a %}\nk", "t:1: '{% if %}' is never closed", id="unclosed"),
        pytest.param("{% end %}", "without an open", id="stray-end"),
        pytest.param("{% else %}", "without an open", id="stray-else"),
        pytest.param("{% if a %}\n{% else %}\n{% else %}\n{% end %}", "second", id="two-else"),
        pytest.param("k=1 {% if a %}", "on its own line", id="inline-directive"),
        pytest.param("{% if a or b %}\n{% end %}", "malformed condition", id="or"),
        pytest.param("{% if %}\n{% end %}", "malformed condition", id="empty-condition"),
        pytest.param("{% if a %}\n{% end a %}", "takes no condition", id="end-with-condition"),
    ],
)
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match="template t") as caught:
        render_template("t", text, values=VALUES, flags=FLAGS)
    assert message in str(caught.value)
