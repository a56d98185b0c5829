"""A small labelled set for the global search's ranking, in English and Russian: tickets
(key → summary, description, an internal comment) and queries with the ticket that must
come first and those that must (or must not) be found. The same expectations hold on
SQLite and PostgreSQL."""

TICKETS = {
    "mail-bounce": (
        "Outgoing mail bounces with 550 relay denied",
        "Since this morning every mail to external recipients comes back.",
        "",
    ),
    "mailbox-full": (
        "Mailbox of info@ is full",
        "The shared mailbox stopped receiving; quota reached.",
        "",
    ),
    "vpn-down": (
        "VPN tunnel to the Frankfurt office is down",
        "No site-to-site traffic since the firmware update of the gateway.",
        "Rebooting the gateway did not help.",
    ),
    "backup-failing": (
        "Nightly backups failing on the database server",
        "The backup job ends with an error about a full repository.",
        "",
    ),
    "disk-full": (
        "Disk full on web server",
        "The web server stopped writing logs; the disk is full.",
        "Found an old backup archive filling the disk.",
    ),
    "certificate": (
        "TLS certificate for the shop expires soon",
        "Monitoring warns the certificate expires in 10 days.",
        "",
    ),
    "ru-mail": (
        "Почтовый ящик переполнен",
        "Письма не доставляются, ящик достиг квоты.",
        "",
    ),
    "ru-vpn": (
        "Не работает VPN-подключение к офису",
        "Сотрудники не могут подключиться к сети офиса через VPN.",
        "",
    ),
    "ru-printer": (
        "Принтер в бухгалтерии не печатает",
        "После обновления драйвера принтер выдаёт ошибку.",
        "Перезагрузили принтер, ошибка осталась.",
    ),
    "ru-certificate": (
        "Сертификат сайта истекает",
        "Нужно продлить сертификаты для домена магазина.",
        "",
    ),
}

#: (query, the ticket that must come first, tickets that must be among the hits, tickets
#: that must not be).
QUERIES = [
    ("mail bounces", "mail-bounce", {"mail-bounce"}, {"mailbox-full", "vpn-down"}),
    ("bouncing mails", "mail-bounce", {"mail-bounce"}, {"disk-full"}),
    ("mailbox full", "mailbox-full", {"mailbox-full"}, {"vpn-down"}),
    ("vpn", None, {"vpn-down", "ru-vpn"}, {"mail-bounce"}),
    ("backup failed", "backup-failing", {"backup-failing"}, {"vpn-down"}),
    # The description and a comment count too, below the summary.
    ("disk full", "disk-full", {"disk-full"}, {"vpn-down", "mailbox-full"}),
    ("gateway rebooting", "vpn-down", {"vpn-down"}, {"disk-full"}),
    ("certificates expiring", "certificate", {"certificate"}, {"ru-certificate"}),
    ("почтовые ящики", "ru-mail", {"ru-mail"}, {"mail-bounce"}),
    ("сертификаты", "ru-certificate", {"ru-certificate"}, {"certificate"}),
    ("принтеры", "ru-printer", {"ru-printer"}, {"ru-vpn"}),
    ("подключения офиса", "ru-vpn", {"ru-vpn"}, {"ru-mail"}),
    ("перезагрузили", "ru-printer", {"ru-printer"}, set()),
]
