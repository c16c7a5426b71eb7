"""What a new password may be: long enough, not blank, not the account's own name or address,
and not guessable, as zxcvbn (Dropbox's estimator: common-password and word lists, keyboard
patterns, dates, repeats, l33t spellings) judges it.

Score 3 of zxcvbn's 0-4 is "safely unguessable" against online guessing and moderately against
an offline slow hash (about 10^8 guesses or more). Lower scores are the top common passwords,
names and words with a digit or two, which throttling alone would not keep out for long.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from dailypapers.accounts import passwords

MIN_SCORE = 3
# zxcvbn's own bound: its time grows fast with length; a longer password is judged by its start,
# since what follows can only make it harder to guess.
JUDGED_LENGTH = 72


def problem(password: str, username: str, email: str) -> str | None:
    """Why ``password`` cannot be the password of ``username`` at ``email``, or None."""
    if len(password) < passwords.MIN_LENGTH:
        return f"Use at least {passwords.MIN_LENGTH} characters."
    if len(password) > passwords.MAX_LENGTH:
        return f"Use at most {passwords.MAX_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    folded = password.strip().casefold()
    local_part = email.split("@", 1)[0]
    if folded == username.casefold():
        return "The password cannot be your username."
    if folded in {email.casefold(), local_part.casefold()}:
        return "The password cannot be your email address."
    judged = zxcvbn(password[:JUDGED_LENGTH], user_inputs=[username, email, local_part])
    if judged["score"] < MIN_SCORE:
        feedback = judged["feedback"]
        advice = " ".join(filter(None, [feedback["warning"], *feedback["suggestions"][:1]]))
        return "This password is too easy to guess. " + (
            advice or "Add another word or two. Uncommon words are better."
        )
    return None
