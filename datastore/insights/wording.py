"""The words of every insight: plain, kind, and about the person's own patterns only.

Insights describe what the journal shows (averages, runs, days); they never diagnose,
predict or prescribe. Lower moods are named gently and as common, with a small practical
thought at most; "out of 10" keeps every number on the scale the writer chose.
"""

from __future__ import annotations

from datetime import date

from datastore.insights.statistics import Comparison


def _mood(value: float) -> str:
    return f"{value:.1f} out of 10"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _times(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def weekday(name: str, c: Comparison) -> tuple[str, str]:
    plural = f"{name}s"
    numbers = (
        f"On {plural} your mood has averaged {_mood(c.group_mean)}, compared with "
        f"{c.baseline_mean:.1f} on other days ({_times(c.group_size, name, plural)})."
    )
    if c.lower:
        return (
            f"{plural} tend to feel heavier",
            f"{numbers} Many people have a day like this. Planning something small you "
            f"enjoy for {plural} might make them a little lighter.",
        )
    return (
        f"{plural} tend to be brighter",
        f"{numbers} It could be worth noticing what those days have in common.",
    )


def time_of_day(part: str, c: Comparison) -> tuple[str, str]:
    numbers = (
        f"Entries you write in the {part} average {_mood(c.group_mean)}, compared with "
        f"{c.baseline_mean:.1f} at other times ({_times(c.group_size, 'entry', 'entries')})."
    )
    if c.lower:
        return (
            f"Your {part} entries tend to be lower",
            f"{numbers} How we feel often shifts through the day; that is worth knowing, "
            "not worrying about.",
        )
    return (
        f"Your {part} entries tend to be brighter",
        f"{numbers} Something about the {part} seems to suit you.",
    )


def around(subject: str, c: Comparison) -> tuple[str, str]:
    """A tag ('entries tagged “work”') or a topic ('entries about Work')."""
    numbers = (
        f"In {subject} your mood averages {_mood(c.group_mean)}, compared with your usual "
        f"{c.baseline_mean:.1f} ({_times(c.group_size, 'entry', 'entries')})."
    )
    if c.lower:
        return (
            f"{subject[0].upper()}{subject[1:]} tend to be harder",
            f"{numbers} Knowing this may help you be a little kinder to yourself then.",
        )
    return (
        f"{subject[0].upper()}{subject[1:]} tend to be brighter",
        f"{numbers} It might be worth making room for more of it.",
    )


def preceding(subject: str, c: Comparison) -> tuple[str, str]:
    """A word ('you mention “piano”') or a topic ('you write about Health')."""
    numbers = (
        f"On days after {subject}, your mood averages {_mood(c.group_mean)}, compared with "
        f"{c.baseline_mean:.1f} after other days "
        f"({_times(c.group_size, 'time', 'times')})."
    )
    if c.lower:
        return (
            f"The day after {subject} is often harder",
            f"{numbers} This is a pattern, not a rule; a little extra care on those days may help.",
        )
    return (
        f"The day after {subject} is often better",
        f"{numbers} Whatever it is, it seems to carry over.",
    )


def streak(days: int, start: date, *, current: bool) -> tuple[str, str]:
    if current:
        return (
            f"You have written {days} days in a row",
            f"You have kept your journal every day since {_day(start)}. However long it "
            "lasts, that is time you have given yourself.",
        )
    return (
        f"Your longest writing streak: {days} days",
        f"Starting {_day(start)}, you wrote every day for {days} days.",
    )


def gap(days: int, last: date, back: date) -> tuple[str, str]:
    return (
        f"You came back after {days} days away",
        f"After {_day(last)} there were {days} days without an entry, and on {_day(back)} "
        "you picked it up again. Breaks happen; coming back is what counts.",
    )


def low_run(days: int, start: date, end: date) -> tuple[str, str]:
    return (
        "A few lower days in a row",
        f"From {_day(start)} to {_day(end)} your mood was lower than usual for you on "
        f"{days} days in a row. Stretches like this are part of life and they tend to "
        "pass. Go gently with yourself, and if it would help, talking with someone you "
        "trust can make a difference.",
    )
