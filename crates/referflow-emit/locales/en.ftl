# The framing in English: every text a reader sees that the chart does not write itself.
# English is the reference catalogue: every other catalogue has exactly its message ids, each
# with the same variables (docs/translating.md). A language without a catalogue is framed in
# English, with a warning.

## The language

# Its own name, on the language switch of the HTML page (shown to readers of every language).
language-name = English
# What the language switch is, for screen readers.
language-switch = Language

## Durations: time limits in words. $count is the number the chart writes (24 in `24h`).

duration-minutes = { $count ->
        [one] { $count } minute
       *[other] { $count } minutes
    }
duration-hours = { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
duration-days = { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
duration-weeks = { $count ->
        [one] { $count } week
       *[other] { $count } weeks
    }
duration-working-days = { $count ->
        [one] { $count } working day
       *[other] { $count } working days
    }
# A stage's time limit, in the narrative and in the diagrams' boxes; $duration is one of the
# durations above.
within = within { $duration }

## Words every output shares

# The name of a chart without a title.
untitled = Referral chart
# Before a step's number in a heading or a link: "Step 3: Screen the person".
step = Step
# Before a step's number inside a sentence: "comes after step 3", "→ step 14 (page 3)".
step-in-text = step
# Before several step numbers: "(steps 1–5)".
steps-range = steps
# Before a single step number in the same place: "(step 4)".
step-range = step
# The section, or band of the diagram, of the steps outside any phase.
other-steps = Other steps
# Before a page number: "page 3", "page 3 / 12", "page 3–5".
page = page
# The title of the section and the page that show the diagram.
diagram = Diagram

## The narrative (Markdown, the HTML page, the hearing pack)

narrative-version = Version
narrative-intro = This document describes the referral chart step by step: who is responsible, within what time, on what legal basis, and what happens next. The steps are numbered in reading order, starting from the entry points, and every “Next” entry links to the step it leads to.
# The introduction of a chart that writes its own step numbers.
narrative-intro-numbered = This document describes the referral chart step by step: who is responsible, within what time, on what legal basis, and what happens next. Each step keeps the number the chart gives it, which stays the same from one revision to the next, so the numbers need not run in order; every “Next” entry links to the step it leads to.
narrative-contents = Contents
narrative-entry-points = Entry points
narrative-entry-points-intro = A case can start at any of these steps:
narrative-actors = Agencies and roles
narrative-actor-column = Agency or role
narrative-leads-column = Leads steps
narrative-takes-part-column = Takes part in steps
narrative-note-column = Note
# Before a phase's number: "Phase 2: Protection".
narrative-phase = Phase
# The one section of a chart without phases.
narrative-all-steps = Steps
narrative-empty-phase = This phase has no steps yet.
narrative-kind = Type
narrative-kind-start = Entry point
narrative-kind-step = Action
narrative-kind-decision = Decision
narrative-kind-end = Outcome
narrative-responsible = Responsible
# After the first of several agencies of a step.
narrative-lead = lead
narrative-unassigned = not yet assigned
narrative-time-limit = Time limit
narrative-legal-basis = Legal basis
narrative-note = Note
narrative-comes-after = Comes after
# Put before a branch label ("in the case of yes"); English needs none, so it is empty. A
# label in the catalogue's script is joined to it, any other gets a space.
narrative-case = { "" }
narrative-next = Next
narrative-ends-here = none (the referral ends here)
narrative-no-next = not yet given
narrative-unreachable = No path from an entry point reaches this step.
narrative-outcomes = Outcomes
narrative-outcomes-intro = Every referral should end in one of these steps:
narrative-requirements = Requirements
narrative-requirements-intro = The chart is held to these requirements. Each has been checked against every path through the chart.
narrative-holds = ✔ Holds
narrative-violated = ✘ Violated
narrative-unproven = ? Cannot be shown to hold
narrative-vacuous = – Never applies
# $first, $target: links to steps.
narrative-before = Every path to { $target } passes { $first } first.
# $unless: a list of links to steps (narrative-list-or).
narrative-before-unless = Every path to { $target } passes { $first } first, unless it passes { $unless }.
# $from, $to: links to steps; $duration: a duration above.
narrative-within = From { $from } to { $to } takes at most { $duration } on every path.
# A list of alternatives: $rest is all but the last, joined by narrative-list-separator.
narrative-list-or = { $rest } or { $last }
narrative-list-separator = { ", " }

## The diagram drawn by Graphviz (render --to dot)

dot-legend = Legend
dot-start = Start
dot-step = Step
dot-decision = Decision
dot-end = Outcome
# What the time limit in a box means.
dot-limit = the longest a stage may take
# What the `+` before an agency means.
dot-also = also takes part
dot-unowned = no agency named
dot-added = added in this revision
dot-changed = changed in this revision
dot-removed = removed in this revision

## The laid-out diagram (svg, png, pdf) and the hearing pack

# The title of the page that shows every band and its pages.
overview = Overview
# The cover's status line, unless --status says otherwise.
pack-status = Draft for public hearing
# The cover's date: $day, $month (one of the months below), $year (pack-era-offset added).
pack-date = { $day } { $month } { $year }
# Added to the year of the Gregorian calendar: 543 for the Buddhist era, 0 for none.
pack-era-offset = 0
pack-month-1 = January
pack-month-2 = February
pack-month-3 = March
pack-month-4 = April
pack-month-5 = May
pack-month-6 = June
pack-month-7 = July
pack-month-8 = August
pack-month-9 = September
pack-month-10 = October
pack-month-11 = November
pack-month-12 = December

## The person's leaflet (`render --to leaflet`): plain words for the person being referred.
## Short sentences; "you" is the person, "we" the agencies.

leaflet-intro = This page is for you. It says what will happen next, who will contact you, and when you decide. You can ask questions at any time.
leaflet-steps = What will happen
# After a step's text: the agency that does it. $agency is its name.
leaflet-who = Who: { $agency }.
# After a step's text: its time limit. $duration is one of the durations above.
leaflet-when = When: within { $duration }.
# After the text of a step where the person is asked to agree.
leaflet-you-decide = You decide. You can say no.
leaflet-rights = Your rights
leaflet-help = If you need help
# The last line: where the page comes from. $chart is the chart's title.
leaflet-source = This page comes from: { $chart }.
# The same, with the chart's version.
leaflet-source-version = This page comes from: { $chart }, { $version }.

## What changed since an earlier revision (render --since OLD)

# The word in a marked stage's box.
since-tag-new = NEW
since-tag-changed = CHANGED
# After the heading of a marked step in the narrative.
since-heading-new = new
since-heading-changed = changed
# The legend of the marks; $revision is the old chart's version or since-previous.
since-legend-new = added since { $revision }
since-legend-changed = changed since { $revision }
# Under the narrative's introduction; $new and $changed are the heading marks, as shown.
since-note = Steps marked { $new } were added and steps marked { $changed } were changed since { $revision }.
since-previous = the previous revision

## Accessibility: what the HTML page and the SVG tell a reader who cannot see the diagram, or
## who reads it with a keyboard or at a larger size

# The line under the diagram of the HTML page, which shows the diagram at its full size in a
# box that scrolls; the links a11y-text-version and a11y-open-svg follow it.
a11y-caption = The diagram at its full size: scroll it to see all of it, or read the same in words.
# A link from the diagram to the narrative under it, which gives every step in words.
a11y-text-version = Text version
# A link to the diagram alone, the SVG file written next to the page, to open at any size.
a11y-open-svg = The diagram alone (SVG)
# The description of the diagram that screen readers give after its title (the SVG's <desc>):
# a11y-summary or a11y-summary-phases, a11y-starts, a11y-outcomes and a11y-narrative, joined
# by a space. $count is a number.
a11y-steps = { $count ->
        [one] { $count } step
       *[other] { $count } steps
    }
a11y-agencies = { $count ->
        [one] { $count } agency
       *[other] { $count } agencies
    }
a11y-phases = { $count ->
        [one] { $count } phase
       *[other] { $count } phases
    }
# $steps, $agencies: a11y-steps and a11y-agencies.
a11y-summary = A referral chart of { $steps } and { $agencies }.
# The same, for a chart with phases; $phases: a11y-phases.
a11y-summary-phases = A referral chart of { $steps } and { $agencies }, in { $phases }.
# $starts: the labels of the entry points, each in a11y-quoted, as a list (narrative-list-or).
a11y-starts = A case starts at { $starts }.
# Instead of a11y-starts, when there are too many entry points to name.
a11y-starts-many = A case starts at one of { $count } entry points.
# $outcomes: the labels of the outcomes, as $starts above.
a11y-outcomes = It ends with { $outcomes }.
a11y-outcomes-many = It ends with one of { $count } outcomes.
# A step's label, quoted, in the sentences above.
a11y-quoted = “{ $text }”
a11y-narrative = The narrative gives every step in words.
