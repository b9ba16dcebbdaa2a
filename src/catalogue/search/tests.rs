//! The catalogue search: how search text is read, and searches, filters, sorts and pages
//! against a real database with a small catalogue, on either engine (the assertions about
//! FTS5's query syntax are SQLite's alone; PostgreSQL's word rule is checked against Rust's).

use super::*;
use crate::catalogue::CatalogueQuery;
use crate::parts::{
    db::{
        fixtures::{part, supplier},
        insert_part, NewPart, PartFields,
    },
    Cents, DeliveryEstimate,
};
use crate::server::db::DbPool;

#[test]
fn search_words_are_letters_and_digits_only() {
    let w = SearchWords::new("Brake-Disc \"OR\" *name:^x").unwrap();
    assert_eq!(w.words, ["brake", "disc", "or", "name", "x"]);
    // SQLite: the FTS5 expression quotes every word.
    #[cfg(not(feature = "postgres"))]
    {
        assert_eq!(
            w.match_expr(true).unwrap(),
            "\"brake\"* AND \"disc\"* AND \"or\"* AND \"name\"* AND \"x\"*"
        );
        assert_eq!(
            SearchWords::new("oil fi")
                .unwrap()
                .match_expr(false)
                .unwrap(),
            "\"oil\" AND \"fi\""
        );
    }
    assert!(SearchWords::new("%").is_none());
    assert_eq!(SearchWords::new("%%").unwrap().words, Vec::<String>::new());
    assert_eq!(
        SearchWords::new("BP 123").unwrap().key.as_deref(),
        Some("bp123")
    );
}

#[test]
fn name_matches_need_every_word_at_a_word_start() {
    let w = SearchWords::new("brake disc").unwrap();
    assert!(w.all_in("Brake disc, front"));
    assert!(w.all_in("Discs for brakes"));
    assert!(!w.all_in("Brake pad set"));
    assert!(!w.all_in("Handbrake disc"));
    // A broad search matches whole words, in the name too.
    let whole = SearchWords {
        whole_words: true,
        ..w
    };
    assert!(whole.all_in("Brake disc, front"));
    assert!(!whole.all_in("Discs for brakes"));
    // SQLite: the same rule as an FTS5 expression on the name column.
    #[cfg(not(feature = "postgres"))]
    assert_eq!(
        whole.name_expr().unwrap(),
        "{name} : (\"brake\" AND \"disc\")"
    );
}

/// SQLite: the maker filter also narrows the FTS5 query (PostgreSQL checks the maker on the
/// row alone).
#[cfg(not(feature = "postgres"))]
#[test]
fn maker_filter_narrows_by_the_makers_words() {
    use super::sqlite::makers_expr;
    assert_eq!(
        makers_expr(&["Mann-Filter".into(), "NGK".into()]).unwrap(),
        "{manufacturer} : ((\"mann\" AND \"filter\") OR (\"ngk\"))"
    );
    assert_eq!(makers_expr(&["--".into()]), None);
    assert_eq!(makers_expr(&[]), None);
}

async fn catalogue_fixture(pool: &DbPool) -> (i64, i64) {
    let s = supplier(pool, "acme").await;
    let other = supplier(pool, "zeta").await;
    let rows: [(&str, &str, &str, &str, i64, i64); 6] = [
        (
            "Brake disc, front, vented",
            "Brembo",
            "BP-123",
            "Vented disc for the front axle.",
            6490,
            10,
        ),
        (
            "Brake pad set",
            "ATE",
            "GDB1550",
            "Pads that suit the BP-123 brake disc.",
            2790,
            3,
        ),
        (
            "Oil filter",
            "Mann-Filter",
            "W 712/95",
            "Spin-on oil filter.",
            990,
            0,
        ),
        (
            "Spark plug, iridium",
            "NGK",
            "ILKAR7B11",
            "Laser iridium spark plug.",
            1490,
            80,
        ),
        (
            "Air filter",
            "Mann-Filter",
            "C 27 009",
            "Panel air filter; not for brakes.",
            2190,
            5,
        ),
        ("Brake disc, archived", "Brembo", "BP-999", "Gone.", 5000, 5),
    ];
    for (i, (name, maker, model, desc, price, stock)) in rows.into_iter().enumerate() {
        let owner = if i == 3 { other } else { s };
        let id = insert_part(
            pool,
            &NewPart {
                supplier_id: owner,
                fields: PartFields {
                    name,
                    manufacturer: maker,
                    model,
                    description: desc,
                    price: Cents(price),
                    stock,
                    delivery: DeliveryEstimate::Days1To2,
                },
                image_key: None,
            },
        )
        .await
        .unwrap();
        // Distinct creation times: later rows are newer.
        let created_at = 1_700_000_000 + i as i64;
        crate::db_query!(
            "UPDATE parts SET created_at = $1 WHERE id = $2",
            created_at,
            id
        )
        .execute(pool)
        .await
        .unwrap();
    }
    crate::db_query!("UPDATE parts SET archived = 1 WHERE name = 'Brake disc, archived'")
        .execute(pool)
        .await
        .unwrap();
    (s, other)
}

async fn names(pool: &DbPool, url_query: &str) -> Vec<String> {
    search(pool, &CatalogueQuery::parse(url_query))
        .await
        .unwrap()
        .parts
        .into_iter()
        .map(|p| p.name)
        .collect()
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn part_numbers_match_regardless_of_separators(pool: DbPool) {
    catalogue_fixture(&pool).await;
    for typed in ["bp123", "BP 123", "bp-123", "Bp.123", "BP-123"] {
        let found = names(&pool, &format!("q={}", typed.replace(' ', "+"))).await;
        assert_eq!(
            found.first().map(String::as_str),
            Some("Brake disc, front, vented"),
            "{typed}: {found:?}"
        );
    }
    // "W712/95" finds "W 712/95".
    assert_eq!(names(&pool, "q=w71295").await, ["Oil filter"]);
}

/// OEM and cross-reference numbers find their part like its own number: separators and case
/// ignored, the number itself first, a prefix too; archived parts and other owners' listings
/// stay as they are; filters apply.
#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn oem_and_cross_reference_numbers_find_the_part(pool: DbPool) {
    use crate::parts::numbers::{db as numbers, NewNumber};
    let (s, other) = catalogue_fixture(&pool).await;
    let id_of = |name: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM parts WHERE name = $1")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let pads = id_of("Brake pad set").await;
    let archived = id_of("Brake disc, archived").await;
    let add =
        |part: i64, owner: i64, kind: &'static str, maker: &'static str, number: &'static str| {
            let pool = pool.clone();
            async move {
                numbers::add(
                    &pool,
                    part,
                    owner,
                    &NewNumber::parse(kind, maker, number).unwrap(),
                )
                .await
                .unwrap()
            }
        };
    assert!(matches!(
        add(pads, s, "oem", "Honda", "45022-TR0-A00").await,
        numbers::AddedNumber::Id(_)
    ));
    assert!(matches!(
        add(pads, s, "cross", "Textar", "2355501").await,
        numbers::AddedNumber::Id(_)
    ));
    assert_eq!(
        add(pads, s, "oem", "Honda", "45022 tr0 a00").await,
        numbers::AddedNumber::Duplicate
    );
    assert_eq!(
        add(pads, other, "oem", "Honda", "1").await,
        numbers::AddedNumber::NotYours
    );
    assert!(matches!(
        add(archived, s, "oem", "Honda", "45022-TR0-A99").await,
        numbers::AddedNumber::Id(_)
    ));
    for typed in [
        "45022TR0A00",
        "45022-tr0-a00",
        "45022+TR0+A00",
        "45022.tr0",
        "2355501",
        "2355-501",
    ] {
        let found = names(&pool, &format!("q={typed}")).await;
        assert_eq!(
            found.first().map(String::as_str),
            Some("Brake pad set"),
            "{typed}: {found:?}"
        );
    }
    // The archived part's number finds nothing; filters still apply.
    assert!(names(&pool, "q=45022TR0A99").await.is_empty());
    assert!(names(&pool, "q=2355501&m=Brembo").await.is_empty());
    assert_eq!(names(&pool, "q=2355501&m=ATE").await, ["Brake pad set"]);
    // Removing the number removes the match; only the owner removes.
    let listed = numbers::of_part(&pool, pads).await.unwrap();
    assert_eq!(listed.len(), 2);
    let cross = listed.iter().find(|n| n.number == "2355501").unwrap().id;
    assert!(!numbers::remove(&pool, pads, other, cross).await.unwrap());
    assert!(numbers::remove(&pool, pads, s, cross).await.unwrap());
    assert!(names(&pool, "q=2355501").await.is_empty());
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn a_printed_part_number_finds_the_part_not_its_digits_elsewhere(pool: DbPool) {
    let (s, _) = catalogue_fixture(&pool).await;
    for (name, model, description) in [
        ("Brake pad set, rear", "0 986 494 104", "Rear pads."),
        (
            "Wiper blade",
            "WB-1",
            "Fits 104 models from 0 to 986 494 km.",
        ),
    ] {
        insert_part(
            &pool,
            &NewPart {
                supplier_id: s,
                fields: PartFields {
                    name,
                    manufacturer: "Bosch",
                    model,
                    description,
                    price: Cents(1000),
                    stock: 1,
                    delivery: DeliveryEstimate::Days1To2,
                },
                image_key: None,
            },
        )
        .await
        .unwrap();
    }
    // The number as printed names one part: the digits in other texts are noise.
    assert_eq!(
        names(&pool, "q=0+986+494+104").await,
        ["Brake pad set, rear"]
    );
    // The start of a number, or digits with words, still search the words too.
    assert_eq!(
        names(&pool, "q=986+494").await,
        ["Wiper blade", "Brake pad set, rear"]
    );
    assert_eq!(names(&pool, "q=wiper+104").await, ["Wiper blade"]);
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn search_ranks_name_matches_first_and_skips_archived(pool: DbPool) {
    catalogue_fixture(&pool).await;
    let found = names(&pool, "q=brake+disc").await;
    // The disc itself first; the pads only mention a brake disc in the description.
    assert_eq!(found, ["Brake disc, front, vented", "Brake pad set"]);
    assert!(names(&pool, "q=archived").await.is_empty());
    // Substrings and case do not matter.
    assert_eq!(names(&pool, "q=IRIDI").await, ["Spark plug, iridium"]);
    // Terms shorter than three characters still narrow the result.
    assert_eq!(names(&pool, "q=oil+fi").await, ["Oil filter"]);
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn filters_combine(pool: DbPool) {
    catalogue_fixture(&pool).await;
    assert_eq!(
        names(&pool, "m=Mann-Filter&sort=name").await,
        ["Air filter", "Oil filter"]
    );
    assert_eq!(names(&pool, "m=Mann-Filter&stock=1").await, ["Air filter"]);
    assert_eq!(
        names(&pool, "min=20&max=65&sort=price_asc").await,
        ["Air filter", "Brake pad set", "Brake disc, front, vented"]
    );
    assert_eq!(names(&pool, "q=filter&max=10").await, ["Oil filter"]);
    let results = search(&pool, &CatalogueQuery::parse("q=filter&stock=1"))
        .await
        .unwrap();
    assert_eq!(results.total, 1);
    // Manufacturer counts ignore the manufacturer filter but honour the others.
    let results = search(&pool, &CatalogueQuery::parse("m=NGK&stock=1"))
        .await
        .unwrap();
    let counts: Vec<(String, i64)> = results
        .manufacturers
        .into_iter()
        .map(|m| (m.name, m.count.unwrap_or(-1)))
        .collect();
    assert_eq!(
        counts,
        [
            ("ATE".to_string(), 1),
            ("Brembo".to_string(), 1),
            ("Mann-Filter".to_string(), 1),
            ("NGK".to_string(), 1)
        ]
    );
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn sort_orders(pool: DbPool) {
    catalogue_fixture(&pool).await;
    assert_eq!(
        names(&pool, "").await,
        [
            "Air filter",
            "Spark plug, iridium",
            "Oil filter",
            "Brake pad set",
            "Brake disc, front, vented"
        ]
    );
    assert_eq!(
        names(&pool, "sort=price_desc")
            .await
            .first()
            .map(String::as_str),
        Some("Brake disc, front, vented")
    );
    assert_eq!(
        names(&pool, "sort=price_asc")
            .await
            .first()
            .map(String::as_str),
        Some("Oil filter")
    );
    assert_eq!(
        names(&pool, "sort=name").await,
        [
            "Air filter",
            "Brake disc, front, vented",
            "Brake pad set",
            "Oil filter",
            "Spark plug, iridium"
        ]
    );
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn pagination_is_bounded(pool: DbPool) {
    let s = supplier(&pool, "acme").await;
    for i in 0..30 {
        let name = format!("Part {i:02}");
        insert_part(&pool, &part(s, &name, 1)).await.unwrap();
    }
    let first = search(&pool, &CatalogueQuery::parse("sort=name"))
        .await
        .unwrap();
    assert_eq!(
        (first.total, first.pages, first.page, first.parts.len()),
        (30, 2, 1, 24)
    );
    let second = search(&pool, &CatalogueQuery::parse("sort=name&page=2"))
        .await
        .unwrap();
    assert_eq!((second.page, second.parts.len()), (2, 6));
    assert_eq!(second.parts[0].name, "Part 24");
    // Past the end: the last page, not an error or an empty page.
    let beyond = search(&pool, &CatalogueQuery::parse("sort=name&page=99"))
        .await
        .unwrap();
    assert_eq!((beyond.page, beyond.parts.len()), (2, 6));
    let none = search(&pool, &CatalogueQuery::parse("q=nothing-like-this"))
        .await
        .unwrap();
    assert_eq!((none.total, none.pages, none.page), (0, 1, 1));
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn hostile_search_text_is_just_text(pool: DbPool) {
    catalogue_fixture(&pool).await;
    for q in [
        "\"",
        "'",
        "brake\" OR 1=1 --",
        "NEAR(brake disc)",
        "*",
        "brake*",
        "%",
        "_",
        "\\",
        "name:brake",
        "^brake",
        "(((",
        "a AND",
        "OR",
        "Robert'); DROP TABLE parts;--",
    ] {
        let query = CatalogueQuery {
            q: q.to_string(),
            ..CatalogueQuery::parse("")
        };
        let result = search(&pool, &query).await;
        assert!(result.is_ok(), "{q}: {result:?}");
    }
    // "%" and "_" are not wildcards.
    assert!(names(&pool, "q=%25").await.is_empty());
    let parts = crate::db_query_scalar!(r#"SELECT COUNT(*) AS "n!" FROM parts"#)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(parts, 6);
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn index_follows_edits(pool: DbPool) {
    catalogue_fixture(&pool).await;
    crate::db_query!(
        "UPDATE parts SET name = 'Ceramic brake rotor', description = 'Ceramic rotor.' \
         WHERE model = 'BP-123'"
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(names(&pool, "q=rotor").await, ["Ceramic brake rotor"]);
    assert!(names(&pool, "q=vented+disc").await.is_empty());
    crate::db_query!("DELETE FROM parts WHERE name = 'Oil filter'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(names(&pool, "q=spin-on").await.is_empty());
}

/// The parts that fit a vehicle are searched through the word query's matches kept in memory
/// (`wordset`): a part listed later is found without the kept matches being made again, and
/// an edited, archived, restored or deleted part is found as its words now say.
#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn kept_word_matches_follow_new_parts_and_edits(pool: DbPool) {
    let (s, _) = catalogue_fixture(&pool).await;
    // Universal parts fit every vehicle.
    sqlx::query("UPDATE parts SET universal = 1")
        .execute(&pool)
        .await
        .unwrap();
    let fits = |q: &str| {
        let query = CatalogueQuery {
            vehicle: Some(crate::fitment::Target {
                model_id: 1,
                year: 2014,
                liters_x10: None,
            }),
            ..CatalogueQuery::parse(q)
        };
        let pool = pool.clone();
        async move {
            let mut found: Vec<String> = search(&pool, &query)
                .await
                .unwrap()
                .parts
                .into_iter()
                .map(|p| p.name)
                .collect();
            found.sort();
            found
        }
    };
    // The generation (part of a kept set's key) and the count of word edits.
    let generation = || async {
        sqlx::query_as::<_, (i64, i64)>("SELECT value, edits FROM catalogue_generation")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let universal = |id: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query("UPDATE parts SET universal = 1 WHERE id = $1")
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    assert_eq!(
        fits("q=disc").await,
        ["Brake disc, front, vented", "Brake pad set"]
    );
    assert_eq!(fits("q=filter").await, ["Air filter", "Oil filter"]);
    let (kept_under, edits) = generation().await;

    // Listed later: found among the matches above the kept ones.
    let id = insert_part(&pool, &part(s, "Brake disc, rear", 4200))
        .await
        .unwrap();
    assert_eq!(
        generation().await,
        (kept_under, edits),
        "a new part is not an edit"
    );
    universal(id).await;
    let edits = edits + 1;
    assert_eq!(
        fits("q=disc").await,
        [
            "Brake disc, front, vented",
            "Brake disc, rear",
            "Brake pad set"
        ]
    );

    // Renamed: no longer a match, and a match of its new words. The kept sets stay under their
    // key and are patched from the log of edits.
    sqlx::query(
        "UPDATE parts SET name = 'Brake rotor, rear', description = 'Rotor.' WHERE id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(generation().await, (kept_under, edits + 1));
    assert_eq!(
        fits("q=disc").await,
        ["Brake disc, front, vented", "Brake pad set"]
    );
    assert_eq!(fits("q=rotor").await, ["Brake rotor, rear"]);

    // Archived, restored, deleted (not the newest part).
    sqlx::query("UPDATE parts SET archived = 1 WHERE name = 'Oil filter'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(fits("q=filter").await, ["Air filter"]);
    sqlx::query("UPDATE parts SET archived = 0 WHERE name = 'Oil filter'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(fits("q=filter").await, ["Air filter", "Oil filter"]);
    sqlx::query("DELETE FROM parts WHERE name = 'Air filter'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(fits("q=filter").await, ["Oil filter"]);
    assert_eq!(generation().await, (kept_under, edits + 4));

    // More edits at once than a set is patched for: the set is made again.
    sqlx::query("UPDATE parts SET description = description || ' Filter.' WHERE id <> $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        fits("q=filter").await,
        [
            "Brake disc, front, vented",
            "Brake pad set",
            "Oil filter",
            "Spark plug, iridium"
        ]
    );

    // The newest part deleted, then a part listed (on SQLite, under the same id).
    sqlx::query("DELETE FROM parts WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    assert!(fits("q=rotor").await.is_empty());
    let again = insert_part(&pool, &part(s, "Brake rotor, front", 5100))
        .await
        .unwrap();
    universal(again).await;
    assert_eq!(fits("q=rotor").await, ["Brake rotor, front"]);
    // SQLite gives the id again, so the kept sets cannot be patched: their generation changed.
    assert_eq!(
        generation().await.0 != kept_under,
        cfg!(not(feature = "postgres")) && again == id
    );
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn accents_and_case_do_not_matter(pool: DbPool) {
    let s = supplier(&pool, "acme").await;
    insert_part(&pool, &part(s, "Bremsbeläge, vorne", 1))
        .await
        .unwrap();
    for q in ["bremsbelage", "BREMSBELÄGE", "bremsbel", "Bremsbelä+VORNE"] {
        assert_eq!(
            names(&pool, &format!("q={q}")).await,
            ["Bremsbeläge, vorne"],
            "{q}"
        );
    }
}

/// PostgreSQL: the word index splits text as [`words::words_of`] does (and as SQLite's
/// word index does), where PostgreSQL's own parser would keep `712/95` or `spin-on` whole;
/// and any words make a valid query.
#[cfg(feature = "postgres")]
#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn the_word_index_reads_text_as_rust_does(pool: DbPool) {
    for text in [
        "Brake disc, front, vented",
        "W 712/95",
        "Spin-on oil filter; 1.5 l, ILKAR7B11",
        "09.A822.11 0 986 494 104 e-mail: a@b.de http://x.y/z",
        "  --  ",
        "ÅÉÎ øæ",
    ] {
        let sql: Vec<String> = sqlx::query_scalar("SELECT catalogue_words($1)")
            .bind(text)
            .fetch_one(&pool)
            .await
            .unwrap();
        // Accents go (as in SQLite's index, `remove_diacritics 2`); Rust's rule keeps them.
        let rust: Vec<String> = words::words_of(text)
            .map(|w| w.replace('å', "a").replace('é', "e").replace('î', "i"))
            .collect();
        assert_eq!(sql, rust, "{text}");
    }
    let query = |words: &[&str], prefix: bool| {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let pool = &pool;
        async move {
            sqlx::query_scalar::<_, Option<String>>("SELECT catalogue_query($1, $2)::text")
                .bind(words)
                .bind(prefix)
                .fetch_one(pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        query(&["brake", "disc"], true).await.as_deref(),
        Some("'brake':* & 'disc':*")
    );
    assert_eq!(
        query(&["Bremsbeläge"], false).await.as_deref(),
        Some("'bremsbelage'")
    );
    // Query syntax and quotes are not words; no words, no query (which matches nothing).
    assert_eq!(
        query(&["it's", "a&b", "(x:*", "!"], true).await.as_deref(),
        Some("'it':* & 's':* & 'a':* & 'b':* & 'x':*")
    );
    assert_eq!(query(&["'", ":*", "\u{345}"], true).await, None);
}

/// Broad searches (more matches than are counted) are ranked from the word index alone;
/// each page must be the one ranking the matches' rows would give.
#[tokio::test]
async fn broad_searches_rank_as_their_rows_would() {
    use crate::demo::generate;
    let (dir, pool) = generate::test_catalogue("broad", 6_000, 12, 10, 5).await;
    let mut broad = 0;
    for q in ["brake", "a", "filter", "brake disc", "bosch", "b", "0"] {
        for sort in ["", "&sort=newest"] {
            for page in [1, 2, 17, 42] {
                let query = CatalogueQuery::parse(&format!("q={q}{sort}&page={page}"));
                let fast = search(&pool, &query).await.unwrap();
                let slow = search_by_rows(&pool, &query).await.unwrap();
                let ids = |r: &CatalogueResults| r.parts.iter().map(|p| p.id).collect::<Vec<_>>();
                assert_eq!(ids(&fast), ids(&slow), "{q}{sort} page {page}");
                assert_eq!(
                    (fast.total, fast.more, fast.page, fast.pages),
                    (slow.total, slow.more, slow.page, slow.pages),
                    "{q}{sort} page {page}"
                );
                assert_eq!(fast.manufacturers, slow.manufacturers, "{q}{sort}");
                broad += usize::from(fast.more);
            }
        }
    }
    pool.close().await;
    std::fs::remove_dir_all(&dir).ok();
    assert!(broad >= 20, "only {broad} of the searches were broad");
}

/// PostgreSQL: the newest matches of a word query, found window by window from the newest
/// parts, are the very newest matches the whole index holds.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn newest_matches_by_windows_are_the_newest_of_all() {
    use crate::demo::generate;
    let (dir, pool) = generate::test_catalogue("windows", 6_000, 12, 10, 7).await;
    let mut sizes = Vec::new();
    for q in [
        "brake",
        "a",
        "filter",
        "brake disc",
        "bosch",
        "b",
        "oil filter bosch",
        "iridium",
        "zzzz",
    ] {
        let words = SearchWords::new(q).unwrap();
        for prefix in [false, true] {
            let wq = engine::word_query(&words, prefix).unwrap();
            let windows = engine::newest_word_matches(&mut Db::new(&pool), &wq)
                .await
                .unwrap();
            let all: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM parts WHERE archived = 0 AND words @@ catalogue_query($1, $2) \
                 ORDER BY id DESC LIMIT $3",
            )
            .bind(&words.words)
            .bind(prefix)
            .bind(COUNT_CAP + 1)
            .fetch_all(&pool)
            .await
            .unwrap();
            assert_eq!(windows, all, "{q} (prefix: {prefix})");
            sizes.push(all.len());
        }
    }
    pool.close().await;
    std::fs::remove_dir_all(&dir).ok();
    // Some searches are broad, some narrow, some find nothing.
    assert!(sizes.iter().any(|&n| n as i64 > COUNT_CAP), "{sizes:?}");
    assert!(
        sizes.iter().any(|&n| n > 0 && (n as i64) < COUNT_CAP),
        "{sizes:?}"
    );
    assert!(sizes.contains(&0), "{sizes:?}");
}

/// Every page of `query`'s results, in order (the part ids), and whether it said "1,000+".
async fn all_pages(pool: &DbPool, query: &CatalogueQuery) -> (Vec<i64>, bool) {
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let found = search(pool, &query.at_page(page)).await.unwrap();
        ids.extend(found.parts.iter().map(|p| p.id));
        if page >= found.pages {
            return (ids, found.more);
        }
        page += 1;
    }
}

/// With an active vehicle the catalogue shows exactly the listed parts that fit it (universal
/// ones, and those with a fitment for its model and year, and its engine size or any when it
/// has one), in the order the same view shows them for every vehicle, combined with search,
/// filters and sorts: checked against the matching rules in Rust over a generated catalogue
/// with generated fitment.
#[tokio::test]
async fn fits_only_shows_exactly_the_parts_that_fit() {
    use crate::demo::generate;
    use crate::fitment::{check, db::rows_of_parts, Answer, Target};
    use std::collections::HashMap;
    let (dir, pool) = generate::test_catalogue("fits", 6_000, 12, 10, 9).await;
    let listed: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, universal FROM parts WHERE archived = 0 ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let ids: Vec<i64> = listed.iter().map(|(id, _)| *id).collect();
    let mut fitments: HashMap<i64, Vec<crate::fitment::Fitment>> = HashMap::new();
    for (part, row) in rows_of_parts(&pool, &ids).await.unwrap() {
        fitments.entry(part).or_default().push(row.fitment());
    }
    // The model year most parts name, and an engine size some of them name for it.
    let mut counts: HashMap<(i64, i64), usize> = HashMap::new();
    for f in fitments.values().flatten() {
        for year in f.year_from..=f.year_to {
            *counts.entry((f.model_id, year)).or_default() += 1;
        }
    }
    let (&(model_id, year), _) = counts.iter().max_by_key(|(k, n)| (**n, **k)).unwrap();
    let liters = fitments
        .values()
        .flatten()
        .filter(|f| f.model_id == model_id && (f.year_from..=f.year_to).contains(&year))
        .find_map(|f| f.liters_x10);
    let mut checked = 0;
    for liters_x10 in [None, liters] {
        let target = Target {
            model_id,
            year,
            liters_x10,
        };
        let fits: std::collections::HashSet<i64> = listed
            .iter()
            .filter(|(id, universal)| {
                let rows = fitments.get(id).map(Vec::as_slice).unwrap_or_default();
                match check(*universal != 0, rows, &target) {
                    Answer::Universal | Answer::Fits { .. } | Answer::NeedsEngine { .. } => true,
                    Answer::DoesNotFit { .. } | Answer::NoData | Answer::NotListed { .. } => false,
                }
            })
            .map(|(id, _)| *id)
            .collect();
        assert!(fits.len() > 30 && fits.len() < 1000, "{}", fits.len());
        for url_query in [
            "",
            "sort=price_asc",
            "sort=name&stock=1",
            "m=Bosch",
            "m=Bosch&m=NGK&sort=price_desc",
            "min=10&max=80",
            "q=brake",
            "q=filter&sort=price_asc",
            "q=bosch&stock=1",
            "q=oil+fi",
        ] {
            let everything = CatalogueQuery::parse(url_query);
            let narrowed = CatalogueQuery {
                vehicle: Some(target.clone()),
                ..everything.clone()
            };
            let (shown, more) = all_pages(&pool, &narrowed).await;
            assert!(!more, "{url_query}");
            let expected: Vec<i64> = if url_query.contains("q=") {
                // The same view for every vehicle, less what does not fit.
                let (all, more) = all_pages(&pool, &everything).await;
                assert!(!more, "{url_query} is too broad for the reference");
                all.into_iter().filter(|id| fits.contains(id)).collect()
            } else {
                // Browsing shows at most 100 pages: the reference is the fitting parts that
                // pass the filters, in the sort's order, from their rows.
                reference_browse(&pool, &everything, &fits).await
            };
            assert_eq!(shown, expected, "{url_query} for {target:?}");
            checked += usize::from(!shown.is_empty());
            // The fitting parts kept in memory show what the fitment rows show, page by page.
            for page in 1..=MAX_PAGES {
                let fast = search(&pool, &narrowed.at_page(page)).await.unwrap();
                let rows = search_by_rows(&pool, &narrowed.at_page(page))
                    .await
                    .unwrap();
                assert_eq!(fast, rows, "{url_query}, page {page}");
                if page >= fast.pages {
                    break;
                }
            }
        }
    }
    assert!(checked >= 14, "only {checked} views had parts");

    // More fit than are counted (a third of the parts made universal, some archived): the
    // plain newest-first view pages from the ids alone, as it would from the rows.
    sqlx::query("UPDATE parts SET universal = 1 WHERE id % 3 = 0")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE parts SET archived = 1 WHERE id % 3 = 0 AND id % 7 = 0")
        .execute(&pool)
        .await
        .unwrap();
    let broad = CatalogueQuery {
        vehicle: Some(Target {
            model_id,
            year,
            liters_x10: None,
        }),
        ..CatalogueQuery::parse("")
    };
    for page in [1, 2, 41, 42, 100] {
        let fast = search(&pool, &broad.at_page(page)).await.unwrap();
        let rows = search_by_rows(&pool, &broad.at_page(page)).await.unwrap();
        assert!(fast.more && fast.total == COUNT_CAP, "{}", fast.total);
        assert_eq!(fast, rows, "page {page}");
    }
    // By price, in a price range, by maker: the newest that many ordered and counted from
    // memory, as from the rows (a price changed meanwhile is seen).
    let cheapest: i64 = sqlx::query_scalar(
        "SELECT id FROM parts WHERE universal = 1 AND archived = 0 ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE parts SET price_cents = 1 WHERE id = $1")
        .bind(cheapest)
        .execute(&pool)
        .await
        .unwrap();
    for url_query in [
        "sort=price_asc",
        "sort=price_desc",
        "min=5&max=60&sort=price_asc",
        "m=Bosch&sort=price_asc",
        "min=20",
    ] {
        let view = CatalogueQuery {
            vehicle: broad.vehicle.clone(),
            ..CatalogueQuery::parse(url_query)
        };
        for page in [1, 2, 42] {
            let fast = search(&pool, &view.at_page(page)).await.unwrap();
            let rows = search_by_rows(&pool, &view.at_page(page)).await.unwrap();
            assert_eq!(fast, rows, "{url_query}, page {page}");
        }
        if url_query == "sort=price_asc" {
            let first = search(&pool, &view).await.unwrap();
            assert!(first.more, "{url_query}: {}", first.total);
            assert_eq!(first.parts[0].id, cheapest);
        }
    }
    // A search that more fit than are counted pages from the ids alone, as from the rows.
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name || ' ' || manufacturer FROM parts WHERE universal = 1 AND archived = 0",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for name in &names {
        for word in name.split_whitespace() {
            *seen.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    let mut common: Vec<(usize, String)> = seen.into_iter().map(|(w, n)| (n, w)).collect();
    common.sort_unstable_by(|a, b| b.cmp(a));
    let mut broad_searches = 0;
    for (_, word) in common.iter().take(3) {
        for sort in [Sort::Relevance, Sort::Newest] {
            let searched = CatalogueQuery {
                q: word.clone(),
                sort,
                page: 1,
                vehicle: broad.vehicle.clone(),
                ..CatalogueQuery::default()
            };
            for page in [1, 2, 50] {
                let fast = search(&pool, &searched.at_page(page)).await.unwrap();
                let rows = search_by_rows(&pool, &searched.at_page(page))
                    .await
                    .unwrap();
                assert_eq!(fast, rows, "{word} by {sort:?}, page {page}");
                broad_searches += usize::from(fast.more && page == 1);
            }
        }
    }
    assert!(
        broad_searches >= 2,
        "only {broad_searches} searches were broad"
    );
    let shown = search(&pool, &broad).await.unwrap();
    let archived: Vec<i64> = sqlx::query_scalar("SELECT id FROM parts WHERE archived = 1")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(shown.parts.iter().all(|p| !archived.contains(&p.id)));
    pool.close().await;
    std::fs::remove_dir_all(&dir).ok();
}

/// The listed parts among `ids` that pass `query`'s filters, in its sort order (browsing).
async fn reference_browse(
    pool: &DbPool,
    query: &CatalogueQuery,
    ids: &std::collections::HashSet<i64>,
) -> Vec<i64> {
    let mut q: QueryBuilder<crate::server::db::Db> =
        QueryBuilder::new("SELECT p.id FROM parts p WHERE p.archived = 0 AND p.id IN (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
    push_maker_filter(&mut q, &query.manufacturers);
    push_row_filters(&mut q, query, false);
    q.push(format!(" ORDER BY {}", order_by(query.sort)));
    q.build_query_scalar().fetch_all(pool).await.unwrap()
}
