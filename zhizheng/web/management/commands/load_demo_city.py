"""``manage.py load_demo_city``: the fictional demo city 示范市 (990100), deterministic and idempotent.

Loads the divisions and the 31 departments, 2,000 residents with valid ID numbers and a consistent population
record each, 500 enterprises with valid 统一社会信用代码 whose legal representatives are residents, staff for every
department, and the documented demo log-ins (docs/demo-logins.md). Everything goes through the apps' services.
The same seed always generates the same city, and records that exist are left alone, so a second run changes
nothing. Only the demo log-ins get a password; bulk staff get unusable ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from zhizheng.accounts import services as accounts_services
from zhizheng.accounts.models import User
from zhizheng.certificates import demo as certificates_demo
from zhizheng.certificates.models import Certificate
from zhizheng.cityevents import history as cityevents_history
from zhizheng.cityevents.taxonomy import categories_load
from zhizheng.core.actor import SYSTEM
from zhizheng.core.validators import USCC_CHARACTERS, check_id_number, id_number_make, uscc_make
from zhizheng.datahub.services import open_catalogue_load, registry_resources_load
from zhizheng.datahub.services.demo import demo_tables_load
from zhizheng.govservices import history as govservices_history
from zhizheng.govservices.models import ServiceItem
from zhizheng.govservices.services import catalogue as govservices_services
from zhizheng.orgs import services as orgs_services
from zhizheng.orgs.choices import Role
from zhizheng.orgs.models import Department, Division, Membership
from zhizheng.registries import demo as registries_demo
from zhizheng.registries import economy as registries_economy
from zhizheng.registries import services as registries_services
from zhizheng.registries import spatial as registries_spatial
from zhizheng.registries.choices import LegalPersonType, MaritalStatus, ResidentStatus, Sex
from zhizheng.registries.models import EconomicObservation, Household, LegalPerson, Resident, SpatialUnit

DEMO_PASSWORD = "Zhizheng@2026"  # noqa: S105 - the documented password of the public demo log-ins
TODAY = dt.date(2026, 6, 30)  # fixed, so the same seed gives the same city whatever the date

DISTRICTS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    # code: (name, weight of residents, streets)
    "990102": ("东城区", 24, ("人民路", "解放路", "和平路", "东风街", "府前街", "中山路")),
    "990103": ("西城区", 20, ("青山路", "建设路", "西环路", "文化路", "长安街", "光明路")),
    "990104": ("南湖区", 18, ("湖滨路", "南湖大道", "荷花街", "滨江路", "桂园路")),
    "990105": ("北山区", 14, ("北山路", "松林街", "矿山路", "朝阳路", "振兴路")),
    "990106": ("高新区", 14, ("科技路", "创新大道", "学府路", "软件园路", "智谷街")),
    "990121": ("青河县", 10, ("青河大街", "县前街", "河滨路", "新村路")),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
    "汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Zipf-like: the first surnames of the list are by far the most frequent, as in the real population.
SURNAME_CUMULATIVE_WEIGHTS = list(itertools.accumulate(1 / (rank + 8) for rank in range(len(SURNAMES))))
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")
MALE_GIVEN = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳博文志建国海峰成亮兵东振晨轩睿然泽宏"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀玲桂英燕萍红琳雪慧婷倩颖洁欣怡佳琪悦梦雨晴露瑶思涵萱月蕾莉凤兰梅琴璐彤诗"
ETHNICITIES = (("汉族", 920), ("回族", 20), ("满族", 15), ("蒙古族", 10), ("壮族", 10), ("苗族", 8), ("土家族", 7),
               ("彝族", 5), ("藏族", 3), ("维吾尔族", 2))  # fmt: skip

TRADE_NAMES = (
    "华兴", "鼎盛", "恒达", "瑞丰", "金鹏", "宏远", "嘉禾", "新锐", "博远", "天成", "盛世", "泰和", "永安", "德润",
    "汇通", "凯旋", "明途", "青山", "南湖", "北辰", "东方", "西岭", "高远", "云帆", "星海", "锦程", "睿智", "信达",
    "安泰", "康宁", "万家", "百川", "千禧", "长青", "绿源", "蓝海", "翔宇", "众诚", "立信", "合力",
)  # fmt: skip
INDUSTRIES = (
    ("科技", "软件开发；信息技术咨询服务；数据处理和存储支持服务"),
    ("贸易", "日用百货销售；五金产品批发；货物进出口"),
    ("餐饮管理", "餐饮服务；食品销售；餐饮管理"),
    ("建筑工程", "房屋建筑和市政基础设施项目工程总承包；建筑劳务分包"),
    ("物流", "道路货物运输（不含危险货物）；普通货物仓储服务"),
    ("医疗器械", "第二类医疗器械销售；医疗设备租赁"),
    ("教育咨询", "教育咨询服务（不含涉许可审批的教育培训活动）"),
    ("文化传媒", "广告设计、代理；组织文化艺术交流活动"),
    ("农业开发", "蔬菜种植；水果种植；农产品的生产、销售、加工"),
    ("环保科技", "环境保护专用设备销售；污水处理及其再生利用"),
    ("物业管理", "物业管理；家政服务；停车场服务"),
    ("汽车服务", "机动车修理和维护；汽车零配件零售"),
    ("电子", "电子元器件制造；电子产品销售"),
    ("食品", "食品生产；食品销售；农副产品销售"),
    ("新能源", "太阳能发电技术服务；储能技术服务；电池销售"),
)
COMPANY_TYPES = (
    (LegalPersonType.LIMITED_COMPANY, "有限公司", 80),
    (LegalPersonType.JOINT_STOCK_COMPANY, "股份有限公司", 5),
    (LegalPersonType.SOLE_PROPRIETORSHIP, "经营部", 8),
    (LegalPersonType.PARTNERSHIP, "企业（有限合伙）", 7),
)
# Share of residents per five-year age band, 0-4 up to 90-94.
AGE_BAND_WEIGHTS = (4.5, 5.5, 6, 5.5, 5.5, 6.5, 8.5, 7.5, 6.5, 7.5, 8.5, 7.5, 5.5, 5.5, 4, 2.5, 1.5, 0.8, 0.3)
CAPITAL_WAN = (3, 5, 10, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000)  # 万元

# Roles that every department has, and the extra staff some departments need (department, role, how many).
EVERY_DEPARTMENT = (Role.CASEWORKER, Role.SECTION_CHIEF, Role.DEPARTMENT_HEAD)
EXTRA_STAFF = (
    ("RX12345", Role.HOTLINE_OPERATOR, 4),
    ("CGJ", Role.DISPATCHER, 2),
    ("CGJ", Role.INSPECTOR, 2),
    ("SJJ", Role.DATA_OFFICER, 2),
    ("SZFB", Role.AUDITOR, 1),
    ("SZFB", Role.LEADER, 2),
    ("XZSPJ", Role.WINDOW_OFFICER, 4),
    ("SJJ", Role.ADMINISTRATOR, 1),
)
# The documented demo log-ins: user name -> (who, department, roles).
DEMO_STAFF: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "caseworker": ("刘洋", (("SCJGJ", Role.CASEWORKER),)),
    "head": ("周建国", (("SCJGJ", Role.DEPARTMENT_HEAD),)),
    "window": ("孙丽", (("XZSPJ", Role.WINDOW_OFFICER),)),
    "hotline": ("何静", (("RX12345", Role.HOTLINE_OPERATOR),)),
    "dispatcher": ("高伟", (("CGJ", Role.DISPATCHER),)),
    "inspector": ("马超", (("CGJ", Role.INSPECTOR),)),
    "leader": ("郑明远", (("SZFB", Role.LEADER),)),
    "dataofficer": ("林晓峰", (("SJJ", Role.DATA_OFFICER),)),
    "auditor": ("冯志刚", (("SZFB", Role.AUDITOR),)),
    "admin": ("系统管理员", (("SJJ", Role.ADMINISTRATOR),)),
}


@dataclass
class Counts:
    residents: int = 0
    legal_persons: int = 0
    staff: int = 0
    memberships: int = 0
    demo_people: int = 0
    households: int = 0
    spatial_units: int = 0
    economic_points: int = 0
    applicants: int = 0


def _age(born: dt.date) -> int:
    return (TODAY - born).days // 365


class CityGenerator:
    """Makes the same people and enterprises for the same seed. Pure: it never reads the database."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.id_numbers: set[str] = set()

    def name(self, sex: str) -> str:
        rng = self.rng
        surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else self._surname()
        pool = MALE_GIVEN if sex == Sex.MALE else FEMALE_GIVEN
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
        return surname + given

    def _surname(self) -> str:
        return self.rng.choices(SURNAMES, cum_weights=SURNAME_CUMULATIVE_WEIGHTS)[0]

    def district(self) -> str:
        codes = list(DISTRICTS)
        return self.rng.choices(codes, weights=[DISTRICTS[c][1] for c in codes])[0]

    def address(self, district: str) -> str:
        name, _weight, streets = DISTRICTS[district]
        rng = self.rng
        return (
            f"示范市{name}{rng.choice(streets)}{rng.randint(1, 300)}号"
            f"{rng.randint(1, 20)}栋{rng.randint(1, 4)}单元{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
        )

    def birth_date(self) -> dt.date:
        """Ages drawn from five-year bands shaped like a Chinese city's population pyramid (0 to 94)."""
        band = self.rng.choices(range(len(AGE_BAND_WEIGHTS)), weights=AGE_BAND_WEIGHTS)[0]
        age = band * 5 + self.rng.randrange(5)
        return TODAY - dt.timedelta(days=age * 365 + self.rng.randint(0, 364))

    def resident(self) -> registries_services.ResidentRecord:
        rng = self.rng
        while True:
            district, born, sex = self.district(), self.birth_date(), rng.choice((Sex.MALE, Sex.FEMALE))
            # The order code's last digit is odd for men and even for women (GB 11643).
            sequence = rng.randrange(0, 500) * 2 + (1 if sex == Sex.MALE else 0)
            number = id_number_make(district, born, sequence)
            if number not in self.id_numbers:
                break
        self.id_numbers.add(number)
        age = _age(born)
        return registries_services.ResidentRecord(
            id_number=number,
            name=self.name(sex),
            sex=sex,
            birth_on=born,
            household_address=self.address(district),
            district_code=district,
            ethnicity=rng.choices([e for e, _w in ETHNICITIES], weights=[w for _e, w in ETHNICITIES])[0],
            marital_status=self.marital_status(age),
            status=ResidentStatus.DECEASED if age > 80 and rng.random() < 0.1 else ResidentStatus.ALIVE,
        )

    def marital_status(self, age: int) -> str:
        if age < 22:
            return MaritalStatus.UNMARRIED
        statuses = (MaritalStatus.MARRIED, MaritalStatus.UNMARRIED, MaritalStatus.DIVORCED, MaritalStatus.WIDOWED)
        widowed = 2 if age < 60 else 20
        return self.rng.choices(statuses, weights=(70, 25 if age < 35 else 6, 7, widowed))[0]

    def legal_persons(
        self, count: int, residents: list[registries_services.ResidentRecord]
    ) -> list[registries_services.LegalPersonRecord]:
        rng = self.rng
        adults = [r for r in residents if r.status == ResidentStatus.ALIVE and 25 <= _age(r.birth_on) <= 65]
        names = [(trade, industry) for trade in TRADE_NAMES for industry in INDUSTRIES]
        rng.shuffle(names)
        if count > len(names):
            raise ValueError(f"at most {len(names)} enterprises can be named")
        records: list[registries_services.LegalPersonRecord] = []
        codes: set[str] = set()
        for trade, (industry, scope) in names[:count]:
            district = self.district()
            while True:
                body = "MA" + "".join(rng.choice(USCC_CHARACTERS) for _index in range(6))
                code = uscc_make("9", "1", district, body)
                if code not in codes:
                    break
            codes.add(code)
            kind, suffix, _weight = rng.choices(COMPANY_TYPES, weights=[w for _k, _s, w in COMPANY_TYPES])[0]
            established = dt.date(1995, 1, 1) + dt.timedelta(days=rng.randint(0, (TODAY - dt.date(1995, 1, 1)).days))
            records.append(
                registries_services.LegalPersonRecord(
                    uscc=code,
                    name=f"示范市{trade}{industry}{suffix}",
                    type=kind,
                    representative_id_number=rng.choice(adults).id_number,
                    registered_capital_fen=rng.choice(CAPITAL_WAN) * 10_000 * 100,
                    business_scope=scope,
                    address=self.address(district).split("栋")[0].rsplit("号", 1)[0] + "号",
                    district_code=district,
                    established_on=established,
                )
            )
        return records

    def staff(self, departments: list[str]) -> list[tuple[accounts_services.StaffSpec, str, str]]:
        """Bulk staff: ``(account, department code, role)``; user names like ``scjgj.caseworker`` are stable."""
        wanted: list[tuple[str, str, int]] = [(code, role, 1) for code in departments for role in EVERY_DEPARTMENT]
        wanted += [(code, role, n) for code, role, n in EXTRA_STAFF if code in departments]
        people: list[tuple[accounts_services.StaffSpec, str, str]] = []
        for code, role, how_many in wanted:
            for number in range(1, how_many + 1):
                suffix = f".{number}" if how_many > 1 else ""
                sex = self.rng.choice((Sex.MALE, Sex.FEMALE))
                spec = accounts_services.StaffSpec(username=f"{code.lower()}.{role}{suffix}", real_name=self.name(sex))
                people.append((spec, code, role))
        return people


class Command(BaseCommand):
    help = "Load the demo city 示范市: divisions, departments, residents, enterprises, staff and demo log-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026): same seed, same city.")
        parser.add_argument("--residents", type=int, default=2000, help="How many residents (default 2000).")
        parser.add_argument("--businesses", type=int, default=500, help="How many enterprises (default 500).")
        parser.add_argument(
            "--applications", type=int, default=20000, help="Applications in the past year (default 20000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        generator = CityGenerator(options["seed"])
        counts = Counts()
        with transaction.atomic():
            divisions = orgs_services.divisions_load(actor=SYSTEM)
            departments = orgs_services.departments_load(actor=SYSTEM)
            # Service catalogue (govservices): themes, the 160 items with their guides, life events.
            catalogue = govservices_services.catalogue_load(actor=SYSTEM)
            residents = [generator.resident() for _index in range(options["residents"])]
            # --- registries (issue 5): households first, so that residents join them ---------------------------
            households, residents = registries_demo.households_assign(residents, seed=options["seed"], today=TODAY)
            counts.households = registries_services.households_import(actor=SYSTEM, records=households)
            counts.residents = registries_services.residents_import(actor=SYSTEM, records=residents)
            businesses = generator.legal_persons(options["businesses"], residents)
            counts.legal_persons = registries_services.legal_persons_import(actor=SYSTEM, records=businesses)
            department_codes = list(Department.objects.order_by("code").values_list("code", flat=True))
            staff = generator.staff(department_codes)
            self._load_staff(staff, counts)
            self._load_demo_people(residents, businesses, counts)
            # --- registries (issue 5): spatial units and macro-economic series ---------------------------------
            counts.spatial_units = registries_spatial.spatial_units_load(actor=SYSTEM)
            counts.economic_points = registries_economy.economic_series_load(actor=SYSTEM, until=TODAY)
            # Electronic certificates (certificates): ID cards, household registers, licences … for the city above.
            certificates = certificates_demo.demo_certificates(actor=SYSTEM, today=TODAY)
            # 主动服务: some certificates expire within 90 days of the real date, so `manage.py proactive_service`
            # (and the daily beat job) reminds their holders, the demo citizen and agent among them.
            expiring = certificates_demo.demo_expiring_certificates(actor=SYSTEM, today=timezone.localdate())
            # --- cityevents (issue 6): the three-level category tree of city events and Open311 services ------
            event_categories = categories_load(actor=SYSTEM)
            # --- cityevents (issue 6, part 8): demo history, real message-board messages as past events ------
            event_history = cityevents_history.history_load(actor=SYSTEM)
            # --- datahub (issue 7): the base-registry resources in the GB/T 21063 catalogue --------------------
            data_resources = registry_resources_load(actor=SYSTEM)
            # --- datahub (issue 7, part 2): uploaded tables (public toilets, car parks) with quality rules ------
            data_rows = demo_tables_load(actor=SYSTEM, today=TODAY, seed=options["seed"])
            # --- datahub (issue 7, part 5): open resources on /data/ (tags the two tables too) ---------
            open_resources = open_catalogue_load(actor=SYSTEM)
        # --- govservices (issue 4, part 8): a year of applications, warnings, ratings and visits (own batches) --
        applicants = self._load_applicants(residents, businesses, counts)
        service_history = govservices_history.history_load(
            actor=SYSTEM, applicants=applicants, today=TODAY, seed=options["seed"], count=options["applications"]
        )
        elapsed = time.perf_counter() - started
        lines = [
            f"示范市 demo city loaded in {elapsed:.1f} s (seed {options['seed']}). New / total:",
            f"  divisions      +{divisions.created} / {Division.objects.count()}",
            f"  departments    +{departments.created} / {Department.objects.count()}",
            f"  catalogue      +{catalogue.created} items and life events / {ServiceItem.objects.count()} items",
            f"  residents      +{counts.residents} / {Resident.objects.count()}",
            f"  enterprises    +{counts.legal_persons} / {LegalPerson.objects.count()}",
            f"  staff accounts +{counts.staff} / {User.objects.filter(kind=User.Kind.STAFF).count()}",
            f"  role grants    +{counts.memberships} / {Membership.objects.count()}",
            f"  demo citizens  +{counts.demo_people} (citizen, agent)",
            f"  households     +{counts.households} / {Household.objects.count()}",
            f"  spatial units  +{counts.spatial_units} / {SpatialUnit.objects.count()} (districts, streets, grids)",
            f"  economic data  +{counts.economic_points} / {EconomicObservation.objects.count()} indicator values",
            f"  certificates   +{certificates.issued} / {Certificate.objects.count()} (signed credentials;"
            f" +{expiring.issued} expiring within 90 days)",
            f"  event categories +{event_categories} (three-level tree, Open311 services)",
            f"  event history  +{event_history.created} (message-board messages as past events)",
            f"  data resources +{data_resources.created} / {data_resources.created + data_resources.existing}"
            " (base-registry entries in the resource catalogue)",
            f"  applicants     +{counts.applicants} accounts of residents and enterprises who applied",
            f"  applications   +{service_history.created} / {service_history.created + service_history.existing}"
            f" in the past year ({service_history.events} timeline steps, {service_history.warnings} warnings,"
            f" {service_history.ratings} ratings, {service_history.rectifications} rectifications,"
            f" {service_history.visits} visits)",
            f"  data tables    +{data_rows} rows (公共厕所, 公共停车场 uploaded tables with quality rules)",
            f"  open data      +{open_resources} open resources on /data/ (with the open base resources)",
            f"Demo log-ins (password {DEMO_PASSWORD}): {', '.join(['citizen', 'agent', *DEMO_STAFF])}; "
            "see docs/demo-logins.md.",
        ]
        self.stdout.write("\n".join(lines))

    def _load_staff(self, staff: list[tuple[accounts_services.StaffSpec, str, str]], counts: Counts) -> None:
        demo_specs = [
            accounts_services.StaffSpec(
                username=username, real_name=who, password=DEMO_PASSWORD, is_superuser=username == "admin"
            )
            for username, (who, _roles) in DEMO_STAFF.items()
        ]
        specs = [spec for spec, _code, _role in staff] + demo_specs
        before = User.objects.filter(username__in=[s.username for s in specs]).count()
        users = accounts_services.staff_create_many(actor=SYSTEM, people=specs)
        counts.staff = len(users) - before
        ids = {user.username: user.pk for user in users}
        grants = [(ids[spec.username], code, role) for spec, code, role in staff]
        grants += [
            (ids[username], code, role) for username, (_who, roles) in DEMO_STAFF.items() for code, role in roles
        ]
        counts.memberships = orgs_services.memberships_grant_many(actor=SYSTEM, grants=grants)

    def _load_applicants(
        self,
        residents: list[registries_services.ResidentRecord],
        businesses: list[registries_services.LegalPersonRecord],
        counts: Counts,
    ) -> list[govservices_history.Applicant]:
        """Accounts (no password) for the residents and enterprise agents who applied in the demo history: living
        adults who represent no enterprise (1,500), and the agents of 300 enterprises (one account per person)."""
        # Other accounts' ID numbers (the demo log-ins); ours are chosen the same way on every run.
        taken = set(
            User.objects.exclude(id_number="").exclude(username__startswith="demo.").values_list("id_number", flat=True)
        )
        names = {r.id_number: r.name for r in residents}
        agents: list[accounts_services.PersonSpec] = []
        for number, business in enumerate(businesses[1:], start=1):
            person = business.representative_id_number
            if person in taken or len(agents) >= 300:
                continue
            taken.add(person)
            agents.append(
                accounts_services.PersonSpec(
                    username=f"demo.agent{number:03d}",
                    kind=User.Kind.AGENT,
                    real_name=names[person],
                    id_number=person,
                    phone="",
                    real_name_level=User.RealNameLevel.L2,
                    uscc=business.uscc,
                    enterprise_name=business.name,
                )
            )
        people: list[accounts_services.PersonSpec] = []
        for number, resident in enumerate(residents):
            if len(people) >= 1500:
                break
            if resident.id_number in taken or resident.status != ResidentStatus.ALIVE or _age(resident.birth_on) < 18:
                continue
            taken.add(resident.id_number)
            people.append(
                accounts_services.PersonSpec(
                    username=f"demo.person{number:04d}",
                    kind=User.Kind.CITIZEN,
                    real_name=resident.name,
                    id_number=resident.id_number,
                    phone="",
                    real_name_level=User.RealNameLevel.L2,
                )
            )
        specs = agents + people
        counts.applicants = accounts_services.people_create_many(actor=SYSTEM, people=specs)
        users = User.objects.filter(username__in=[s.username for s in specs]).order_by("username")
        return [
            govservices_history.Applicant(
                user_id=u.pk,
                name=u.real_name,
                id_number=u.id_number or "",
                uscc=u.uscc,
                enterprise_name=u.enterprise_name,
            )
            for u in users
        ]

    def _load_demo_people(
        self,
        residents: list[registries_services.ResidentRecord],
        businesses: list[registries_services.LegalPersonRecord],
        counts: Counts,
    ) -> None:
        """``citizen`` is a living adult resident; ``agent`` is the legal representative of the first enterprise."""
        business = businesses[0]
        agent_resident = next(r for r in residents if r.id_number == business.representative_id_number)
        citizen_resident = next(
            r
            for r in residents
            if r.status == ResidentStatus.ALIVE
            and 25 <= _age(r.birth_on) <= 60
            and r.id_number != agent_resident.id_number
            and check_id_number(r.id_number).valid
        )
        people = [
            accounts_services.PersonSpec(
                username="citizen",
                kind=User.Kind.CITIZEN,
                real_name=citizen_resident.name,
                id_number=citizen_resident.id_number,
                phone="13800000001",
                real_name_level=User.RealNameLevel.L1,
                password=DEMO_PASSWORD,
            ),
            accounts_services.PersonSpec(
                username="agent",
                kind=User.Kind.AGENT,
                real_name=agent_resident.name,
                id_number=agent_resident.id_number,
                phone="13800000002",
                real_name_level=User.RealNameLevel.L1,
                password=DEMO_PASSWORD,
                uscc=business.uscc,
                enterprise_name=business.name,
            ),
        ]
        counts.demo_people = accounts_services.people_create_many(actor=SYSTEM, people=people)
        for user in User.objects.filter(username__in=["citizen", "agent"]):
            registries_services.identity_verify(actor=SYSTEM, user=user)
