"""The starting text of a pair's mentoring agreement: ground rules and confidentiality.

A template the pair edits on the "new pair journal" screen; it is data, kept apart from the form.
"""

AGREEMENT_TEMPLATE = """\
Our reverse mentoring agreement

Purpose: the mentor shares lived experience; the mentee listens, learns and acts on it.

Ground rules
- What is said between us stays between us. Nothing leaves this journal unless we both agree.
- We speak candidly and listen without defending; honest challenge is welcome.
- The mentor is the expert in their own experience; seniority does not decide who is right.
- We meet about every {cadence} days for {sessions} sessions, and review after six months.
- Either of us can pause or end the pairing; we say so openly.

Confidentiality
- Private notes are for their author only. Pair notes are for the two of us.
- Only items we both mark as shareable go into a summary, and only once we both approve it.
- No names of third parties in shareable items without their consent.
"""
