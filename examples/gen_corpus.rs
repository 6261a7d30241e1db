//! Writes a deterministic synthetic sitrep site for benchmarks, and optionally an
//! equivalent Hugo site made of the same words.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --issues 1000 --out /tmp/corpus-1000 \
//!     [--seed 42] [--hugo /tmp/hugo-1000]
//! ```
//!
//! Each issue is shaped like a real weekly SRE newsletter issue: a ~250-word editorial
//! in 3 paragraphs, 12 links with 60–120 words of Markdown commentary each (some
//! blockquotes, ~10 % with a fenced sh/python/yaml block, inline code, inline links),
//! 4 outages with 0–60 words of commentary, 1–3 tags per link and outage drawn from a
//! 40-tag vocabulary with a Zipf-like distribution, ~300 distinct services, and weekly
//! dates from 2015-01-04.
//!
//! Output is byte-identical for the same `--seed` (a self-contained splitmix64 PRNG,
//! integer-only weights, a built-in word list). Issue `n` depends only on the seed and
//! `n`, so the corpus of N issues is a prefix of the corpus of any larger N.
//! No dependencies beyond std.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// ---------------------------------------------------------------------------------------
// PRNG and distributions
// ---------------------------------------------------------------------------------------

/// splitmix64: tiny, fast, good enough for synthetic text, and identical everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed);
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A Zipf-like (Zipf–Mandelbrot) distribution over ranks `0..n`: weight of rank k is
/// `1_000_000 / (k + 1 + q)`. Integer weights keep it identical on every platform.
struct Zipf {
    cumulative: Vec<u64>,
}

impl Zipf {
    fn new(n: usize, q: u64) -> Zipf {
        let mut total = 0;
        let cumulative = (0..n as u64)
            .map(|k| {
                total += 1_000_000 / (k + 1 + q);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap();
        let u = ((u128::from(rng.next_u64()) * u128::from(total)) >> 64) as u64;
        self.cumulative.partition_point(|&c| c <= u)
    }

    /// `count` distinct ranks.
    fn distinct(&self, rng: &mut Rng, count: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let k = self.sample(rng);
            if !out.contains(&k) {
                out.push(k);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------

/// The 40-tag vocabulary, most frequent first (Zipf rank = position): slug, display name.
const TAGS: [(&str, &str); 40] = [
    ("incident-response", "Incident Response"),
    ("postmortem", "Postmortems"),
    ("observability", "Observability"),
    ("on-call", "On-Call"),
    ("resilience", "Resilience"),
    ("monitoring", "Monitoring"),
    ("culture", "Culture"),
    ("databases", "Databases"),
    ("cloud", "Cloud"),
    ("kubernetes", "Kubernetes"),
    ("networking", "Networking"),
    ("dns", "DNS"),
    ("human-factors", "Human Factors"),
    ("chaos-engineering", "Chaos Engineering"),
    ("performance", "Performance"),
    ("capacity", "Capacity"),
    ("automation", "Automation"),
    ("tools", "Tools"),
    ("load-balancing", "Load Balancing"),
    ("security", "Security"),
    ("ddos", "DDoS"),
    ("tls", "TLS"),
    ("cdn", "CDN"),
    ("storage", "Storage"),
    ("deployment", "Deployment"),
    ("ci", "Continuous Integration"),
    ("slo", "SLOs"),
    ("alerting", "Alerting"),
    ("tracing", "Tracing"),
    ("logging", "Logging"),
    ("microservices", "Microservices"),
    ("disaster-recovery", "Disaster Recovery"),
    ("datacenters", "Data Centres"),
    ("status-pages", "Status Pages"),
    ("linux", "Linux"),
    ("email", "Email"),
    ("banking", "Banking"),
    ("telecom", "Telecom"),
    ("gaming", "Gaming"),
    ("airlines", "Airlines"),
];

/// Prose words (a fixed list, so the text is the same everywhere).
const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "that",
    "is",
    "for",
    "it",
    "on",
    "with",
    "as",
    "was",
    "this",
    "we",
    "our",
    "they",
    "their",
    "be",
    "are",
    "from",
    "at",
    "by",
    "not",
    "but",
    "or",
    "an",
    "when",
    "what",
    "which",
    "how",
    "why",
    "all",
    "more",
    "than",
    "one",
    "two",
    "three",
    "after",
    "before",
    "during",
    "about",
    "into",
    "over",
    "under",
    "again",
    "still",
    "every",
    "team",
    "teams",
    "system",
    "systems",
    "service",
    "services",
    "outage",
    "outages",
    "incident",
    "incidents",
    "engineer",
    "engineers",
    "operator",
    "operators",
    "failure",
    "failures",
    "latency",
    "traffic",
    "request",
    "requests",
    "queue",
    "queues",
    "cache",
    "caches",
    "database",
    "replica",
    "replicas",
    "primary",
    "failover",
    "region",
    "regions",
    "zone",
    "cluster",
    "clusters",
    "node",
    "nodes",
    "network",
    "packet",
    "packets",
    "router",
    "load",
    "balancer",
    "capacity",
    "storage",
    "disk",
    "memory",
    "kernel",
    "process",
    "thread",
    "timeout",
    "timeouts",
    "retry",
    "retries",
    "backoff",
    "deploy",
    "deploys",
    "rollout",
    "rollback",
    "release",
    "config",
    "change",
    "changes",
    "alert",
    "alerts",
    "page",
    "pager",
    "dashboard",
    "metric",
    "metrics",
    "log",
    "logs",
    "trace",
    "traces",
    "signal",
    "noise",
    "error",
    "errors",
    "budget",
    "budgets",
    "objective",
    "reliability",
    "availability",
    "durability",
    "resilience",
    "redundancy",
    "dependency",
    "dependencies",
    "upstream",
    "downstream",
    "customer",
    "customers",
    "user",
    "users",
    "status",
    "update",
    "postmortem",
    "review",
    "blameless",
    "culture",
    "practice",
    "practices",
    "runbook",
    "runbooks",
    "automation",
    "toil",
    "human",
    "factors",
    "safety",
    "complexity",
    "cascade",
    "cascading",
    "overload",
    "saturation",
    "throughput",
    "partition",
    "consensus",
    "quorum",
    "leader",
    "election",
    "certificate",
    "expiry",
    "dns",
    "resolver",
    "record",
    "records",
    "cdn",
    "edge",
    "origin",
    "backend",
    "frontend",
    "gateway",
    "proxy",
    "mesh",
    "sidecar",
    "container",
    "containers",
    "scheduler",
    "autoscaling",
    "instance",
    "instances",
    "hardware",
    "power",
    "cooling",
    "datacenter",
    "fiber",
    "cable",
    "vendor",
    "provider",
    "cloud",
    "migration",
    "schema",
    "index",
    "query",
    "queries",
    "lock",
    "locks",
    "deadlock",
    "leak",
    "spike",
    "storm",
    "thundering",
    "herd",
    "canary",
    "feature",
    "flag",
    "flags",
    "experiment",
    "chaos",
    "game",
    "day",
    "drill",
    "drills",
    "oncall",
    "rotation",
    "handoff",
    "escalation",
    "commander",
    "communication",
    "timeline",
    "detection",
    "mitigation",
    "recovery",
    "remediation",
    "root",
    "cause",
    "causes",
    "contributing",
    "lesson",
    "lessons",
    "learned",
    "surprising",
    "subtle",
    "obvious",
    "clever",
    "careful",
    "honest",
    "detailed",
    "short",
    "long",
    "thorough",
    "readable",
    "excellent",
    "useful",
    "practical",
    "great",
    "good",
    "hard",
    "easy",
    "slow",
    "fast",
    "small",
    "large",
    "old",
    "new",
    "real",
    "hidden",
    "partial",
    "complete",
    "silent",
    "noisy",
    "manual",
    "automated",
    "global",
    "local",
    "internal",
    "external",
    "critical",
    "minor",
    "major",
    "weekly",
    "daily",
    "nightly",
    "writes",
    "reads",
    "explains",
    "shows",
    "describes",
    "argues",
    "suggests",
    "finds",
    "found",
    "built",
    "broke",
    "fixed",
    "learned",
    "measured",
    "tested",
    "shipped",
    "moved",
    "replaced",
    "removed",
    "added",
    "changed",
    "dropped",
    "missed",
    "caught",
    "noticed",
    "handled",
    "paged",
    "woke",
    "restarted",
    "drained",
    "throttled",
    "scaled",
    "sharded",
    "replicated",
    "cached",
    "retried",
    "degraded",
    "recovered",
    "stalled",
    "crashed",
    "because",
    "although",
    "while",
    "until",
    "unless",
    "where",
    "whether",
    "then",
    "so",
    "also",
    "even",
    "just",
    "only",
    "really",
    "quite",
    "very",
    "much",
    "many",
    "most",
    "some",
    "few",
    "each",
    "both",
    "other",
    "another",
    "same",
    "different",
    "first",
    "last",
    "next",
    "whole",
    "entire",
    "own",
    "way",
    "ways",
    "time",
    "times",
    "week",
    "year",
    "hour",
    "minute",
    "minutes",
    "hours",
    "months",
    "story",
    "article",
    "talk",
    "paper",
    "series",
    "thread",
    "question",
    "answer",
    "idea",
    "ideas",
    "model",
    "models",
    "pattern",
    "patterns",
];

/// Code-ish tokens for inline code spans.
const CODE_TOKENS: &[&str] = &[
    "kubectl rollout undo",
    "SIGTERM",
    "max_connections",
    "--dry-run",
    "systemctl restart",
    "fsync",
    "EPOLLIN",
    "503",
    "retry_budget",
    "TTL",
    "etcd",
    "iptables -L",
    "vm.swappiness",
    "SELECT 1",
    "healthz",
    "nginx -t",
    "dig +trace",
    "BGP",
    "OOMKilled",
    "ulimit -n",
    "conntrack",
    "GOMAXPROCS",
    "readinessProbe",
    "429",
    "HTTP/2",
    "tcp_keepalive_time",
];

/// Prefix × suffix = 300 service names.
const SERVICE_PREFIXES: [&str; 30] = [
    "Acme", "Blue", "Bright", "Cedar", "Cloud", "Coral", "Delta", "Echo", "Ember", "Fern", "Flux",
    "Granite", "Harbor", "Iron", "Jade", "Juniper", "Kite", "Lumen", "Maple", "Nimbus", "Nova",
    "Onyx", "Orbit", "Pine", "Quartz", "Raven", "Slate", "Summit", "Tidal", "Vertex",
];
const SERVICE_SUFFIXES: [&str; 10] = [
    "Pay", "Mail", "Hub", "Stream", "Bank", "Air", "Play", "DNS", "Chat", "Cloud",
];

const PEOPLE: &[&str] = &[
    "Alex Kim",
    "Sam Rivera",
    "Priya Patel",
    "Jordan Lee",
    "Maria Garcia",
    "Chen Wei",
    "Fatima Noor",
    "Lars Eriksen",
    "Ana Souza",
    "Tom Becker",
    "Yuki Tanaka",
    "Olu Adeyemi",
];

const PUBLISHERS: &[&str] = &[
    "Acme Engineering",
    "Production Ready",
    "The Morning Paper",
    "Increment",
    "InfoQ",
    "ACM Queue",
    "USENIX ;login:",
    "Medium",
    "Ops Weekly",
    "Stack Exchange Blog",
    "Fastly Blog",
    "Cloudflare Blog",
    "Netflix Technology Blog",
    "Slack Engineering",
    "GitHub Engineering",
    "Honeycomb",
    "Google SRE",
    "The Register",
    "Ars Technica",
    "Learning from Incidents",
];

// ---------------------------------------------------------------------------------------
// The synthetic model (format-neutral; both writers read it)
// ---------------------------------------------------------------------------------------

struct Issue {
    number: usize,
    date: Date,
    /// Three editorial paragraphs, Markdown.
    editorial: Vec<String>,
    links: Vec<Link>,
    outages: Vec<Outage>,
}

struct Link {
    title: String,
    url: String,
    source: String,
    tags: Vec<usize>,
    commentary: String,
    via: Option<String>,
}

struct Outage {
    service: String,
    url: Option<String>,
    title: Option<String>,
    date: Date,
    tags: Vec<usize>,
    commentary: Option<String>,
}

#[derive(Clone, Copy)]
struct Date(i64, u32, u32);

impl Date {
    /// Days since 1970-01-01 → civil date (Howard Hinnant's algorithm).
    fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date(y, m, d)
    }

    fn days(y: i64, m: u32, d: u32) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0, self.1, self.2)
    }
}

struct Generator {
    seed: u64,
    tag_dist: Zipf,
    service_dist: Zipf,
    /// Service names in Zipf rank order (a seeded shuffle of prefix × suffix).
    services: Vec<String>,
}

impl Generator {
    fn new(seed: u64) -> Generator {
        let mut services: Vec<String> = SERVICE_PREFIXES
            .iter()
            .flat_map(|p| SERVICE_SUFFIXES.iter().map(move |s| format!("{p}{s}")))
            .collect();
        let mut rng = Rng::new(seed ^ 0x5EED_5E41_1CE5);
        for i in (1..services.len()).rev() {
            let j = rng.below(i + 1);
            services.swap(i, j);
        }
        Generator {
            seed,
            tag_dist: Zipf::new(TAGS.len(), 1),
            service_dist: Zipf::new(services.len(), 8),
            services,
        }
    }

    fn issue(&self, number: usize) -> Issue {
        let mut rng = Rng::new(self.seed ^ (number as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let start = Date::days(2015, 1, 4);
        let day = start + 7 * (number as i64 - 1);
        let date = Date::from_days(day);

        // ~250 words in 3 paragraphs.
        let total = rng.range(225, 275);
        let a = total / 3 + rng.range(0, 20) - 10;
        let b = total / 3 + rng.range(0, 20) - 10;
        let editorial = [a, b, total - a - b]
            .iter()
            .map(|&n| paragraph(&mut rng, n, 15, 10, 15))
            .collect();

        let links = (0..12).map(|_| self.link(&mut rng, date)).collect();
        let outages = (0..4).map(|_| self.outage(&mut rng, day)).collect();
        Issue {
            number,
            date,
            editorial,
            links,
            outages,
        }
    }

    fn tags(&self, rng: &mut Rng) -> Vec<usize> {
        let count = rng.range(1, 3);
        self.tag_dist.distinct(rng, count)
    }

    fn link(&self, rng: &mut Rng, date: Date) -> Link {
        let n = rng.range(4, 10);
        let title = title_case(&words(rng, n));
        let slug: String = words(rng, 3).join("-");
        let host = format!("{}.example.com", rng.pick(WORDS));
        let url = format!("https://{host}/{:04}/{:02}/{slug}", date.0, date.1);
        let commentary_words = rng.range(60, 120);
        Link {
            title,
            url,
            source: rng.pick(PUBLISHERS).to_string(),
            tags: self.tags(rng),
            commentary: commentary(rng, commentary_words),
            via: rng.percent(15).then(|| rng.pick(PEOPLE).to_string()),
        }
    }

    fn outage(&self, rng: &mut Rng, issue_day: i64) -> Outage {
        let service = self.services[self.service_dist.sample(rng)].clone();
        let url = rng.percent(80).then(|| {
            format!(
                "https://status.{}.example.net/incidents/{:x}",
                service.to_ascii_lowercase(),
                rng.next_u64() >> 16
            )
        });
        let title = rng.percent(70).then(|| {
            let n = rng.range(3, 8);
            capitalize(&words(rng, n).join(" "))
        });
        let date = Date::from_days(issue_day - rng.range(1, 7) as i64);
        let tags = self.tags(rng);
        let n = rng.range(0, 60);
        let commentary = (n > 0).then(|| paragraph(rng, n, 10, 15, 10));
        Outage {
            service,
            url,
            title,
            date,
            tags,
            commentary,
        }
    }
}

fn words(rng: &mut Rng, n: usize) -> Vec<&'static str> {
    (0..n).map(|_| *rng.pick(WORDS)).collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn title_case(ws: &[&str]) -> String {
    ws.iter()
        .map(|w| capitalize(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One sentence of `n` prose words; with the given percent chances it carries an inline
/// link over 2–4 words, an inline code span, or an emphasised word.
fn sentence(rng: &mut Rng, n: usize, link_pct: usize, code_pct: usize, em_pct: usize) -> String {
    let mut ws: Vec<String> = words(rng, n).iter().map(|w| w.to_string()).collect();
    ws[0] = capitalize(&ws[0]);
    if n >= 4 && rng.percent(em_pct) {
        let i = rng.range(1, n - 1);
        ws[i] = format!("*{}*", ws[i]);
    }
    if n >= 5 && rng.percent(code_pct) {
        let i = rng.range(1, n - 1);
        ws[i] = format!("`{}`", rng.pick(CODE_TOKENS));
    }
    if n >= 6 && rng.percent(link_pct) {
        let len = rng.range(2, 4);
        let i = rng.range(0, n - len);
        let target = format!(
            "https://{}.example.org/{}/{}",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.range(100, 99_999)
        );
        ws[i] = format!("[{}", ws[i]);
        ws[i + len - 1] = format!("{}]({target})", ws[i + len - 1]);
    }
    let mut s = ws.join(" ");
    s.push(if rng.percent(8) { '?' } else { '.' });
    s
}

/// A paragraph of exactly `n` prose words in sentences of 6–18 words, wrapped at ~90 columns.
fn paragraph(rng: &mut Rng, n: usize, link_pct: usize, code_pct: usize, em_pct: usize) -> String {
    let mut left = n;
    let mut sentences = Vec::new();
    while left > 0 {
        let mut len = rng.range(6, 18).min(left);
        if left - len < 4 {
            len = left;
        }
        sentences.push(sentence(rng, len, link_pct, code_pct, em_pct));
        left -= len;
    }
    wrap(&sentences.join(" "), 90, "")
}

/// Greedy word wrap; every line starts with `prefix`.
fn wrap(text: &str, width: usize, prefix: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for w in text.split(' ') {
        if !line.is_empty() && line.len() + 1 + w.len() > width {
            out.push_str(prefix);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        out.push_str(prefix);
        out.push_str(&line);
        out.push('\n');
    }
    out.pop();
    out
}

/// Link commentary: `n` prose words in 1–3 paragraphs; ~30 % quote a passage in a
/// blockquote, ~10 % include a fenced code block (sh, python or yaml).
fn commentary(rng: &mut Rng, n: usize) -> String {
    let quote = if rng.percent(30) {
        rng.range(10, 25)
    } else {
        0
    };
    let prose = n - quote;
    let paras = rng.range(1, 3);
    let mut sizes = Vec::new();
    let mut left = prose;
    for i in 0..paras {
        let size = if i + 1 == paras {
            left
        } else {
            (prose / paras + rng.range(0, 10)).min(left - 5)
        };
        sizes.push(size);
        left -= size;
    }
    let mut blocks: Vec<String> = sizes
        .iter()
        .map(|&s| paragraph(rng, s, 10, 15, 10))
        .collect();
    if quote > 0 {
        let q = paragraph(rng, quote, 0, 0, 0);
        blocks.insert(1.min(blocks.len()), wrap(&q.replace('\n', " "), 88, "> "));
    }
    if rng.percent(10) {
        let code = code_block(rng);
        blocks.insert(1.min(blocks.len()), code);
    }
    blocks.join("\n\n")
}

fn code_block(rng: &mut Rng) -> String {
    let lines = rng.range(3, 8);
    let mut out = String::new();
    match rng.below(3) {
        0 => {
            out.push_str("```sh\n");
            for _ in 0..lines {
                let line = match rng.below(4) {
                    0 => format!(
                        "kubectl -n {} rollout status deploy/{}",
                        rng.pick(WORDS),
                        rng.pick(WORDS)
                    ),
                    1 => format!(
                        "curl -sS https://{}.example.com/healthz | jq '.{}'",
                        rng.pick(WORDS),
                        rng.pick(WORDS)
                    ),
                    2 => format!(
                        "for i in $(seq 1 {}); do dig +short {}.example.com; done",
                        rng.range(2, 20),
                        rng.pick(WORDS)
                    ),
                    _ => format!(
                        "sudo systemctl restart {}-{}.service",
                        rng.pick(WORDS),
                        rng.pick(WORDS)
                    ),
                };
                out.push_str(&line);
                out.push('\n');
            }
        }
        1 => {
            out.push_str("```python\n");
            let name = format!("{}_{}", rng.pick(WORDS), rng.pick(WORDS));
            let _ = writeln!(out, "def {name}(attempt, base={}):", rng.range(1, 9));
            for _ in 1..lines {
                let line = match rng.below(3) {
                    0 => format!(
                        "    delay = base * 2 ** attempt  # {} {}",
                        rng.pick(WORDS),
                        rng.pick(WORDS)
                    ),
                    1 => format!(
                        "    if attempt > {}:\n        raise TimeoutError('{}')",
                        rng.range(2, 9),
                        rng.pick(WORDS)
                    ),
                    _ => format!("    log.info(\"{} %s\", attempt)", rng.pick(WORDS)),
                };
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str("    return delay\n");
        }
        _ => {
            out.push_str("```yaml\n");
            let _ = writeln!(out, "{}:", rng.pick(WORDS));
            for _ in 0..lines {
                let line = match rng.below(3) {
                    0 => format!("  {}: {}", rng.pick(WORDS), rng.range(1, 5000)),
                    1 => format!("  {}_{}: true", rng.pick(WORDS), rng.pick(WORDS)),
                    _ => format!("  {}: \"{}\"", rng.pick(WORDS), rng.pick(WORDS)),
                };
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out.push_str("```");
    out
}

// ---------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML multi-line basic string (the way authors write commentary).
fn toml_multiline(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"\"\"\n{escaped}\n\"\"\"")
}

fn toml_tags(tags: &[usize]) -> String {
    let list: Vec<String> = tags.iter().map(|&t| toml_str(TAGS[t].0)).collect();
    format!("[{}]", list.join(", "))
}

fn sitrep_config() -> String {
    let mut s = String::from(
        "title = \"SRE Weekly (synthetic benchmark corpus)\"\n\
         base_url = \"https://example.org/\"\n\
         description = \"A synthetic corpus generated by examples/gen_corpus.rs for benchmarks.\"\n\
         author = \"gen_corpus\"\n\
         language = \"en\"\n\
         issue_title = \"SRE Weekly Issue #{number}\"\n\
         feed_limit = 20\n\
         # Dates run weekly from 2015 (into the next century at N=5,000): published\n\
         # at once, like the Hugo site's buildFuture = true.\n\
         publish_future = true\n\n[tags]\n",
    );
    let mut tags = TAGS.to_vec();
    tags.sort();
    for (slug, name) in tags {
        let _ = writeln!(s, "{slug} = {}", toml_str(name));
    }
    s
}

fn sitrep_issue(issue: &Issue) -> String {
    let mut s = String::with_capacity(16 * 1024);
    let _ = writeln!(s, "+++\nnumber = {}\ndate = {}", issue.number, issue.date);
    for l in &issue.links {
        let _ = writeln!(s, "\n[[links]]");
        let _ = writeln!(s, "title = {}", toml_str(&l.title));
        let _ = writeln!(s, "url = {}", toml_str(&l.url));
        let _ = writeln!(s, "source = {}", toml_str(&l.source));
        let _ = writeln!(s, "tags = {}", toml_tags(&l.tags));
        let _ = writeln!(s, "commentary = {}", toml_multiline(&l.commentary));
        if let Some(v) = &l.via {
            let _ = writeln!(s, "via = {}", toml_str(v));
        }
    }
    for o in &issue.outages {
        let _ = writeln!(s, "\n[[outages]]");
        let _ = writeln!(s, "service = {}", toml_str(&o.service));
        if let Some(u) = &o.url {
            let _ = writeln!(s, "url = {}", toml_str(u));
        }
        if let Some(t) = &o.title {
            let _ = writeln!(s, "title = {}", toml_str(t));
        }
        let _ = writeln!(s, "date = {}", o.date);
        let _ = writeln!(s, "tags = {}", toml_tags(&o.tags));
        if let Some(c) = &o.commentary {
            let _ = writeln!(s, "commentary = {}", toml_multiline(c));
        }
    }
    s.push_str("+++\n\n");
    s.push_str(&issue.editorial.join("\n\n"));
    s.push('\n');
    s
}

fn union_tags<'a>(lists: impl Iterator<Item = &'a Vec<usize>>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for list in lists {
        for &t in list {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// The same issue as a Hugo page: link tags → `tags`, outage tags → `outage_tags`, and
/// the links and outages rendered into the body as Markdown.
fn hugo_issue(issue: &Issue) -> String {
    let mut s = String::with_capacity(16 * 1024);
    let _ = writeln!(s, "+++");
    let _ = writeln!(s, "title = \"SRE Weekly Issue #{}\"", issue.number);
    let _ = writeln!(s, "date = {}", issue.date);
    let link_tags = union_tags(issue.links.iter().map(|l| &l.tags));
    let outage_tags = union_tags(issue.outages.iter().map(|o| &o.tags));
    let _ = writeln!(s, "tags = {}", toml_tags(&link_tags));
    let _ = writeln!(s, "outage_tags = {}", toml_tags(&outage_tags));
    s.push_str("+++\n\n");
    // The first paragraph is the summary, as in sitrep.
    s.push_str(&issue.editorial[0]);
    s.push_str("\n\n<!--more-->\n\n");
    s.push_str(&issue.editorial[1..].join("\n\n"));
    s.push_str("\n\n## Links\n");
    for l in &issue.links {
        let _ = write!(s, "\n### [{}]({})\n\n*{}*", l.title, l.url, l.source);
        let names: Vec<&str> = l.tags.iter().map(|&t| TAGS[t].1).collect();
        let _ = write!(s, " · {}\n\n{}\n", names.join(", "), l.commentary);
        if let Some(v) = &l.via {
            let _ = writeln!(s, "\nThanks to {v}.");
        }
    }
    s.push_str("\n## Outages\n");
    for o in &issue.outages {
        let _ = writeln!(s, "\n### {}\n", o.service);
        match (&o.url, &o.title) {
            (Some(u), Some(t)) => {
                let _ = write!(s, "[{t}]({u}) · ");
            }
            (Some(u), None) => {
                let _ = write!(s, "[Report]({u}) · ");
            }
            (None, Some(t)) => {
                let _ = write!(s, "{t} · ");
            }
            (None, None) => {}
        }
        let names: Vec<&str> = o.tags.iter().map(|&t| TAGS[t].1).collect();
        let _ = writeln!(s, "{} · {}", o.date, names.join(", "));
        if let Some(c) = &o.commentary {
            let _ = writeln!(s, "\n{c}");
        }
    }
    s
}

const HUGO_CONFIG: &str = r#"baseURL = "https://example.org/"
title = "SRE Weekly (synthetic benchmark corpus)"
# The corpus runs weekly from 2015 far into the future: build every issue.
buildFuture = true
enableRobotsTXT = true
taxonomies = { tag = "tags", outage_tag = "outage_tags" }

[outputs]
home = ["html", "rss"]
section = ["html", "rss"]
taxonomy = ["html", "rss"]
term = ["html", "rss"]

# sitrep's feeds carry feed_limit = 20 items.
[services.rss]
limit = 20

# sitrep highlights fenced code with CSS classes, not inline styles.
[markup.highlight]
noClasses = false
"#;

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "baseof.html",
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}" title="{{ site.Title }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="/">{{ site.Title }}</a>
<nav><a href="/issues/">Archive</a> <a href="/tags/">Tags</a> <a href="/outage_tags/">Outage tags</a></nav></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><a href="/index.xml">RSS</a></footer>
</body>
</html>
"#,
    ),
    (
        "single.html",
        r#"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time></p>
{{ .Content }}
<p>Tags: {{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>Outage tags: {{ range .GetTerms "outage_tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>
{{ end }}
"#,
    ),
    (
        "list.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ range .Pages }}
<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time></p>
{{ .Summary }}
</article>
{{ end }}
{{ end }}
"#,
    ),
    (
        "home.html",
        r#"{{ define "main" }}
{{ $issues := where site.RegularPages "Section" "issues" }}
{{ with index $issues 0 }}
<article>
<h1><a href="{{ .RelPermalink }}">{{ .Title }}</a></h1>
{{ .Content }}
</article>
{{ end }}
<h2>Recent issues</h2>
{{ range first 10 $issues }}
<p><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</p>
{{ end }}
{{ end }}
"#,
    ),
    (
        "taxonomy.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> ({{ len .Pages }})</li>
{{ end }}
</ul>
{{ end }}
"#,
    ),
    (
        "term.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .OutputFormats.Get "rss" }}<p><a href="{{ .RelPermalink }}">Subscribe (RSS)</a></p>{{ end }}
{{ range .Pages }}
<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time></p>
{{ .Summary }}
</article>
{{ end }}
{{ end }}
"#,
    ),
];

// ---------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------

struct Args {
    issues: usize,
    out: PathBuf,
    seed: u64,
    hugo: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut issues = None;
    let mut out = None;
    let mut seed = 42;
    let mut hugo = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--issues" => {
                issues = Some(
                    value("--issues")?
                        .parse()
                        .map_err(|e| format!("--issues: {e}"))?,
                )
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--hugo" => hugo = Some(PathBuf::from(value("--hugo")?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let issues: usize = issues.ok_or("--issues N is required")?;
    if issues == 0 {
        return Err("--issues must be at least 1".into());
    }
    Ok(Args {
        issues,
        out: out.ok_or("--out DIR is required")?,
        seed,
        hugo,
    })
}

/// Refuses to overwrite a non-empty folder this tool did not make (it holds no marker).
fn prepare(dir: &Path) -> Result<(), String> {
    const MARKER: &str = ".gen_corpus";
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .next()
            .is_none();
        if !empty && !dir.join(MARKER).exists() {
            return Err(format!(
                "{} is not empty and was not made by gen_corpus; refusing to overwrite it",
                dir.display()
            ));
        }
        if !empty {
            fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    fs::create_dir_all(dir.join("content/issues"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    fs::write(dir.join(MARKER), "made by examples/gen_corpus.rs\n").map_err(|e| e.to_string())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &Args) -> Result<(), String> {
    let generator = Generator::new(args.seed);
    prepare(&args.out)?;
    write(&args.out.join("config.toml"), &sitrep_config())?;
    if let Some(h) = &args.hugo {
        prepare(h)?;
        write(&h.join("hugo.toml"), HUGO_CONFIG)?;
        fs::create_dir_all(h.join("layouts")).map_err(|e| e.to_string())?;
        for (name, text) in HUGO_LAYOUTS {
            write(&h.join("layouts").join(name), text)?;
        }
        write(
            &h.join("content/issues/_index.md"),
            "+++\ntitle = \"Archive\"\n+++\n",
        )?;
    }
    let mut bytes = 0;
    for n in 1..=args.issues {
        let issue = generator.issue(n);
        let text = sitrep_issue(&issue);
        bytes += text.len();
        write(&args.out.join(format!("content/issues/{n}.md")), &text)?;
        if let Some(h) = &args.hugo {
            write(
                &h.join(format!("content/issues/{n}.md")),
                &hugo_issue(&issue),
            )?;
        }
    }
    eprintln!(
        "wrote {} issues ({:.1} MB of Markdown) to {}{}",
        args.issues,
        bytes as f64 / 1e6,
        args.out.display(),
        args.hugo
            .as_ref()
            .map(|h| format!(" and a Hugo site to {}", h.display()))
            .unwrap_or_default()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("usage: gen_corpus --issues N --out DIR [--seed S] [--hugo DIR2]");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
