"""Benchmark volume for the knowledge search: plausible articles of a hosting provider,
generated from topics and a general vocabulary, in English and Russian.

THIS IS BENCHMARK DATA, NOT BUSINESS LOGIC: `manage.py bench_kb_search` writes these rows
with bulk_create (status set in the constructor, no history, numbered KBB-0000123 so they
never clash with KB- numbers) and indexes them itself. Article `n` is the same on every
run (its own random generator), so an interrupted load resumes where it stopped."""

import random
from dataclasses import dataclass

# Topics: (English words, Russian words). An article has one main topic and sometimes a
# second one; topic words go into its title, keywords and text.
TOPICS = [
    ("vpn tunnel openvpn ipsec client gateway", "впн туннель шлюз клиент подключение"),
    ("dns zone record cname ttl resolver", "днс зона запись псевдоним резолвер"),
    ("backup restore snapshot retention repository", "резервная копия восстановление хранение"),
    ("certificate ssl tls renewal chain csr", "сертификат продление цепочка ключ"),
    ("mail smtp relay spam bounce mailbox", "почта письмо спам ящик отправка"),
    ("password reset login account locked", "пароль сброс вход учётная блокировка"),
    ("disk space partition volume inode", "диск место раздел том переполнение"),
    ("cpu memory performance latency load", "процессор память производительность нагрузка"),
    ("firewall port rule inbound nat", "межсетевой экран порт правило доступ"),
    ("loadbalancer health pool member monitor", "балансировщик проверка пул узел"),
    ("nfs share mount export filer", "сетевая папка монтирование экспорт"),
    ("s3 bucket object storage key", "хранилище объект бакет ключ"),
    ("ntp clock time drift chrony", "время часы синхронизация сдвиг"),
    ("ddos attack flood scrubbing blackhole", "атака флуд очистка трафика"),
    ("rdp remote desktop licence cal", "удалённый рабочий стол лицензия"),
    ("ssh key authorized login agent", "ключ доступ вход агент"),
    ("database postgresql mysql replication dump", "база данных репликация дамп"),
    ("kubernetes pod node cluster ingress", "кластер под узел балансировка"),
    ("docker image container registry volume", "контейнер образ реестр том"),
    ("windows update patch reboot wsus", "обновление исправление перезагрузка"),
    ("linux kernel package upgrade apt", "ядро пакет обновление система"),
    ("exchange outlook autodiscover profile calendar", "календарь профиль почтовый клиент"),
    ("webserver nginx apache php timeout", "веб сервер таймаут страница"),
    ("cdn cache purge origin edge", "кэш очистка источник узел"),
    ("monitoring alert threshold graph agent", "мониторинг оповещение порог график"),
    ("sla incident priority escalation response", "инцидент приоритет эскалация реакция"),
    ("invoice billing contract payment", "счёт оплата договор платёж"),
    ("migration datacenter move cutover", "миграция перенос переключение"),
    ("ipv6 address subnet routing gateway", "адрес подсеть маршрутизация"),
    ("raid controller array rebuild drive", "массив контроллер диск перестроение"),
]

GENERAL_EN = """
the server customer portal check open click choose settings service team request ticket
please after before when then run command file folder network user access error message
restart status issue problem update configure configuration install version new old use
data system support time minutes hours days week contract page log logs report email
note step steps first second last value default option options path host hostname address
admin administrator application app connection connect session window screen button field
list table entry entries rule rules group group's role owner change changes planned window
maintenance outage working normal expected result results failed success warning critical
""".split()

GENERAL_RU = """
сервер клиент портал проверьте откройте нажмите выберите настройки служба заявка запрос
после перед когда затем выполните команда файл папка сеть пользователь доступ ошибка
сообщение перезапуск состояние проблема обновление настройка установка версия новый старый
данные система поддержка время минуты часы дни неделя договор страница журнал отчёт почта
шаг значение параметр путь узел адрес администратор приложение соединение сеанс окно кнопка
поле список таблица правило группа роль владелец изменение плановый работы результат успешно
""".split()

# Product names made of syllables ("Valortix", "Korlumnos"): tens of thousands of distinct
# title words, as a real knowledge base has, for the vocabulary that corrects typos.
NAME_STARTS = (
    "zen val kor mir dax lum ner tor qua bri sol fen gar hel jor kal lex mon nov pra "
    "rad sim tal ulm ven wex yor cor dal fal"
).split()
NAME_MIDDLES = "a i o e u ar er or".split()
NAME_ENDS = "x tix nos ra lon dia via tek mos rix lis gon".split()

TITLE_TEMPLATES_EN = [
    "How to {a} the {b} on {host}",
    "{A} {b} fails with error {code}",
    "{A} and {b}: what to check first",
    "Troubleshooting {b} {c} problems",
    "{A} {b} after the {c} change",
    "Configure {b} for {c}",
]
TITLE_TEMPLATES_RU = [
    "Как настроить {b} на {host}",
    "{A} {b}: ошибка {code}",
    "{A} и {b}: что проверить",
    "Проблемы с {b} {c}",
]


@dataclass(frozen=True)
class BenchArticle:
    number: str
    title: str
    body: str
    keywords: str
    language: str
    visibility: str


def article(n: int, *, seed: int = 0) -> BenchArticle:
    """The n-th benchmark article (0-based); the same for the same n and seed."""
    rng = random.Random(seed * 1_000_003 + n)
    russian = rng.random() < 0.2
    topic = rng.randrange(len(TOPICS))
    words = TOPICS[topic][1 if russian else 0].split()
    extra = TOPICS[rng.randrange(len(TOPICS))][1 if russian else 0].split()
    general = GENERAL_RU if russian else GENERAL_EN
    host = f"{rng.choice(['web', 'db', 'mail', 'app', 'fw', 'lb'])}-{rng.randrange(1000):03d}"
    code = f"{rng.choice(['E', '0x8007', 'ERR-', 'KB'])}{rng.randrange(100000):05d}"
    picks = rng.sample(words, 3)
    template = rng.choice(TITLE_TEMPLATES_RU if russian else TITLE_TEMPLATES_EN)
    title = template.format(
        a=picks[0], A=picks[0].capitalize(), b=picks[1], c=picks[2], host=host, code=code
    )
    if rng.random() < 0.5:
        title = f"{_product(rng)}: {title}"
    return BenchArticle(
        number=f"KBB-{n + 1:07d}",
        title=title[:200],
        body=_body(rng, words, extra, general, host, code),
        keywords=", ".join(rng.sample(words, 2)),
        language="ru" if russian else "en",
        visibility="public" if rng.random() < 0.7 else "internal",
    )


def _product(rng: random.Random) -> str:
    second = rng.choice(NAME_STARTS) if rng.random() < 0.6 else ""
    parts = [rng.choice(NAME_STARTS), second, rng.choice(NAME_MIDDLES), rng.choice(NAME_ENDS)]
    return "".join(parts).capitalize()


def _body(rng: random.Random, words, extra, general, host: str, code: str) -> str:
    paragraphs = []
    for _ in range(rng.randint(3, 6)):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            length = rng.randint(8, 18)
            sentence = [_word(rng, words, extra, general, host, code) for _ in range(length)]
            sentences.append(" ".join(sentence).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    if rng.random() < 0.5:
        paragraphs.insert(rng.randint(1, len(paragraphs)), f"```\nssh admin@{host}\n```")
    return "\n\n".join(paragraphs)


def _word(rng: random.Random, words, extra, general, host: str, code: str) -> str:
    roll = rng.random()
    if roll < 0.18:
        return rng.choice(words)
    if roll < 0.24:
        return rng.choice(extra)
    if roll < 0.26:
        return rng.choice([host, code])
    # General words, the first ones far more often (roughly as in real text).
    return (
        general[min(int(rng.paretovariate(1.2)) - 1, len(general) - 1)]
        if roll < 0.6
        else rng.choice(general)
    )
