"""The sign-in page's presenter: tiles, who is preselected, type-ahead and the lock countdown."""

from __future__ import annotations

from pos_app.domain.people import Role
from pos_app.services.people import StaffMember
from pos_app.ui.people.sign_in_presenter import (
    ALL_INACTIVE,
    CHOOSE_PROMPT,
    NO_ACCOUNTS,
    checking_prompt,
    initials,
    lock_state,
    pick_by_prefix,
    pin_prompt,
    roster_state,
)


def member(uid: str, name: str, role: Role = Role.STAFF) -> StaffMember:
    return StaffMember(uid, name, role, True, True, None)


ALEX = member("usr_a", "Alex Morgan", Role.MANAGER)
SAM = member("usr_s", "Sam Lee")


def test_initials_for_tiles() -> None:
    assert initials("Alex Morgan") == "AM"
    assert initials("Sam") == "S"
    assert initials("Mary Ann de la Cruz") == "MC"
    assert initials("  ") == "?"
    assert initials("élise ß") == "ÉSS"  # upper case as the language has it


def test_no_accounts_offers_the_first_run_and_inactive_ones_say_so() -> None:
    first = roster_state(False, [])
    assert (first.tiles, first.status, first.offer_first_run) == ((), NO_ACCOUNTS, True)
    inactive = roster_state(True, [])
    assert (inactive.status, inactive.offer_first_run) == (ALL_INACTIVE, False)
    assert inactive.preselect is None


def test_tiles_say_who_and_what_role() -> None:
    state = roster_state(True, [ALEX, SAM])
    assert state.status == "" and state.columns == 2
    [alex, sam] = state.tiles
    assert (alex.name, alex.role, alex.initials) == ("Alex Morgan", "Manager", "AM")
    assert sam.tooltip == "Sign in as Sam Lee" and sam.accessible_name == "Sam Lee, Staff"
    many = [member(f"usr_{i}", f"Person {i}") for i in range(9)]
    assert roster_state(True, many).columns == 3
    assert roster_state(True, many[:8]).columns == 2


def test_who_is_preselected() -> None:
    assert roster_state(True, [ALEX, SAM]).preselect is None  # two people: choose
    assert roster_state(True, [ALEX, SAM], prefer="usr_s").preselect == "usr_s"  # after Ctrl+L
    assert roster_state(True, [ALEX, SAM], prefer="usr_gone").preselect is None
    assert roster_state(True, [SAM]).preselect == "usr_s"  # one person: straight to the PIN


def test_type_ahead_matches_the_start_of_any_word() -> None:
    people = [ALEX, SAM]
    assert pick_by_prefix(people, "sa") == "usr_s"
    assert pick_by_prefix(people, "M") == "usr_a"  # Morgan
    assert pick_by_prefix(people, "LE") == "usr_s"  # Lee, any case
    assert pick_by_prefix(people, "org") is None  # inside a word does not count
    assert pick_by_prefix(people, "") is None


def test_prompts() -> None:
    assert pin_prompt(None) == CHOOSE_PROMPT == "Choose your name"
    assert pin_prompt("Sam Lee") == "PIN for Sam Lee"
    assert checking_prompt("Sam Lee") == "Checking Sam Lee's PIN…"


def test_the_lock_countdown_rounds_up_and_ends() -> None:
    state = lock_state(locked_until=130.0, now=100.2)
    assert state.seconds_left == 30
    assert state.sentence == "Too many wrong PINs: try again in 30 seconds."
    assert lock_state(130.0, 129.5).seconds_left == 1
    done = lock_state(130.0, 130.0)
    assert (done.seconds_left, done.sentence) == (0, "")
    assert lock_state(130.0, 200.0).seconds_left == 0
