"""Who may see the register and change numbering: the committee (which numbers the documents)
and the administrator; leadership reads the register."""
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP, rule


@rule("numbering.view")
def _view(user, _agency=None):
    return user.role in (ADMIN, COMMITTEE, LEADERSHIP)


@rule("numbering.manage")
def _manage(user, _agency=None):
    return user.role in (ADMIN, COMMITTEE)
