"""The cast (tests/conftest.py `actors`) sorted by what each may do with a problem."""

EVERYONE = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
    "contact_a",
    "outsider",
]
#: Open problems, edit what defines them, run their lifecycle, write their article.
MANAGERS = {"problem_manager"}
#: Write the investigation: findings and the RCA.
INVESTIGATORS = {"problem_manager", "l2", "l3"}
#: Link incidents to problems and take them off: every agent and the problem manager.
LINKERS = {"problem_manager", "l1", "l2", "l3", "desk_manager"}
