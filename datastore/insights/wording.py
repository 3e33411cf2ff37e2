"""The words of every insight: plain, kind, and about the person's own patterns only.

Insights describe what the journal shows (averages, runs, days); they never diagnose,
predict or prescribe. Lower moods are named gently and as common, with a small practical
thought at most; "out of 10" keeps every number on the scale the writer chose.
"""

from __future__ import annotations

from datetime import date

from datastore.insights.statistics import Comparison

Told = tuple[str, str]  # (title, message)


def _mood(value: float) -> str:
    return f"{value:.1f} out of 10"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _times(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _told(c: Comparison, numbers: str, lower: tuple[str, str], higher: tuple[str, str]) -> Told:
    """The (title, message) of a comparison: `numbers`, then the lower or higher words."""
    title, thought = lower if c.lower else higher
    return title, f"{numbers} {thought}"


def weekday(name: str, c: Comparison) -> Told:
    plural = f"{name}s"
    numbers = (
        f"On {plural} your mood has averaged {_mood(c.group_mean)}, compared with "
        f"{c.baseline_mean:.1f} on other days ({_times(c.group_size, name, plural)})."
    )
    lower = (
        f"{plural} tend to feel heavier",
        f"Many people have a day like this. Planning something small you enjoy for {plural} "
        "might make them a little lighter.",
    )
    higher = (
        f"{plural} tend to be brighter",
        "It could be worth noticing what those days have in common.",
    )
    return _told(c, numbers, lower, higher)


def time_of_day(part: str, c: Comparison) -> Told:
    numbers = (
        f"Entries you write in the {part} average {_mood(c.group_mean)}, compared with "
        f"{c.baseline_mean:.1f} at other times ({_times(c.group_size, 'entry', 'entries')})."
    )
    lower = (
        f"Your {part} entries tend to be lower",
        "How we feel often shifts through the day; that is worth knowing, not worrying about.",
    )
    higher = (f"Your {part} entries tend to be brighter", f"Something about the {part} suits you.")
    return _told(c, numbers, lower, higher)


def around(subject: str, c: Comparison) -> Told:
    """A tag ('entries tagged “work”') or a topic ('entries about Work')."""
    numbers = (
        f"In {subject} your mood averages {_mood(c.group_mean)}, compared with your usual "
        f"{c.baseline_mean:.1f} ({_times(c.group_size, 'entry', 'entries')})."
    )
    headline = f"{subject[0].upper()}{subject[1:]}"
    lower = (
        f"{headline} tend to be harder",
        "Knowing this may help you be a little kinder to yourself then.",
    )
    higher = (f"{headline} tend to be brighter", "It might be worth making room for more of it.")
    return _told(c, numbers, lower, higher)


def preceding(subject: str, c: Comparison) -> Told:
    """A word ('you mention “piano”') or a topic ('you write about Health')."""
    numbers = (
        f"On days after {subject}, your mood averages {_mood(c.group_mean)}, compared with "
        f"{c.baseline_mean:.1f} after other days ({_times(c.group_size, 'time', 'times')})."
    )
    lower = (
        f"The day after {subject} is often harder",
        "This is a pattern, not a rule; a little extra care on those days may help.",
    )
    higher = (
        f"The day after {subject} is often better",
        "Whatever it is, it seems to carry over.",
    )
    return _told(c, numbers, lower, higher)


def streak(days: int, start: date, *, current: bool) -> Told:
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


def gap(days: int, last: date, back: date) -> Told:
    return (
        f"You came back after {days} days away",
        f"After {_day(last)} there were {days} days without an entry, and on {_day(back)} "
        "you picked it up again. Breaks happen; coming back is what counts.",
    )


def resting(last: date) -> Told:
    return (
        f"Your journal has been resting since {_day(last)}",
        f"Your last entry was on {_day(last)}. Breaks are part of keeping a journal; "
        "whenever you feel like writing again, it is here.",
    )


def low_run(days: int, start: date, end: date) -> Told:
    return (
        "A few lower days in a row",
        f"From {_day(start)} to {_day(end)} your mood was lower than usual for you on "
        f"{days} days in a row. Stretches like this are part of life and they tend to "
        "pass. Go gently with yourself, and if it would help, talking with someone you "
        "trust can make a difference.",
    )
