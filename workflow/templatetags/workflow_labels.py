"""Labels of the values the registered flows put in task lists."""

from __future__ import annotations

from django import template

from workflow.registry import processes

register = template.Library()


@register.simple_tag
def state_label(value: str) -> str:
    """The reader's-language label of a record state, whichever flow it is from."""
    for spec in processes:
        labels = dict(spec.state_choices)
        if value in labels:
            return str(labels[value])
    return value or "—"
