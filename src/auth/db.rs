//! All SQL of the users table, which this feature owns.

use super::{Email, Role, SessionUser, Username};
use crate::server::db::{unique_violation, Db, DbConnection, DbExecutor, DbPool};

/// A users row, password hash included. Never serialised: pages get [`SessionUser`].
#[derive(Clone)]
pub struct UserRow {
    /// Database id.
    pub id: i64,
    /// Public name.
    pub username: String,
    /// Login email, lower-case.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// What the account may do (a stored spelling the schema does not admit is a read error).
    pub role: Role,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl UserRow {
    /// The page-facing view of this user.
    pub fn to_session_user(&self) -> SessionUser {
        SessionUser {
            id: self.id,
            username: self.username.clone(),
            email: self.email.clone(),
            role: self.role,
        }
    }
}

/// Why a new user could not be stored.
#[derive(Debug)]
pub enum CreateUserError {
    /// Another account has this email (in any letter case).
    EmailTaken,
    /// Another account has this username (in any letter case).
    UsernameTaken,
    /// Another account's username looks the same (see [`Username::skeleton`]).
    UsernameLookAlike,
    /// Anything else.
    Db(sqlx::Error),
}

/// Stores a new user with an already computed password hash and returns its id.
pub async fn create_user(
    db: impl sqlx::Acquire<'_, Database = Db>,
    username: &Username,
    email: &Email,
    password_hash: &str,
    role: Role,
) -> Result<i64, CreateUserError> {
    let mut conn = db.acquire().await.map_err(CreateUserError::Db)?;
    let (name, address, skeleton) = (username.as_str(), email.as_str(), username.skeleton());
    let result = crate::db_query_scalar!(
        r#"INSERT INTO users (username, email, password_hash, role, username_skeleton)
           VALUES ($1, $2, $3, $4, $5) RETURNING id AS "id!""#,
        name,
        address,
        password_hash,
        role as _,
        skeleton,
    )
    .fetch_one(&mut *conn)
    .await;
    let taken = result.as_ref().err().and_then(unique_violation);
    match (result, taken.as_deref()) {
        (Ok(id), _) => Ok(id),
        (Err(_), Some("users.email")) => Err(CreateUserError::EmailTaken),
        (Err(_), Some("users.username")) => Err(CreateUserError::UsernameTaken),
        (Err(_), Some("users.username_skeleton")) => {
            // The same name in other letter case also shares the skeleton; say "taken" then.
            let same_name = crate::db_query_scalar!(
                r#"SELECT id AS "id!" FROM users WHERE username = $1 COLLATE NOCASE"#,
                name
            )
            .fetch_optional(&mut *conn)
            .await
            .map_err(CreateUserError::Db)?;
            Err(if same_name.is_none() {
                CreateUserError::UsernameLookAlike
            } else {
                CreateUserError::UsernameTaken
            })
        }
        (Err(e), _) => Err(CreateUserError::Db(e)),
    }
}

/// Gives every user stored before look-alike checking its name's skeleton (run at start).
/// Two old names that already look alike keep theirs unset: both accounts stay usable, and a
/// new look-alike of either is still refused through the other's skeleton.
pub async fn fill_missing_username_skeletons(pool: &DbPool) -> sqlx::Result<u64> {
    let missing = crate::db_query!(
        r#"SELECT id AS "id!", username FROM users WHERE username_skeleton IS NULL"#
    )
    .fetch_all(pool)
    .await?;
    let mut filled = 0;
    for user in missing {
        let (id, skeleton) = (user.id, Username::skeleton_of(&user.username));
        match crate::db_query!(
            "UPDATE users SET username_skeleton = $1 WHERE id = $2",
            skeleton,
            id
        )
        .execute(pool)
        .await
        {
            Ok(_) => filled += 1,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                tracing::warn!(user.id = id, "username looks like another stored before");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// How many browsers per account are remembered as having logged in (the newest).
pub const DEVICES_PER_USER: i64 = 20;

/// The account a device token (from a browser's device cookie) was issued to, if any.
pub async fn device_owner(db: impl DbExecutor<'_>, token: &str) -> sqlx::Result<Option<i64>> {
    crate::db_query_scalar!("SELECT user_id FROM login_devices WHERE token = $1", token)
        .fetch_optional(db)
        .await
}

/// Remembers that the browser holding `token` logged in to `user_id`, keeping only the
/// newest [`DEVICES_PER_USER`] of that account.
pub async fn remember_device(
    db: &mut DbConnection,
    user_id: i64,
    token: &str,
    now: i64,
) -> sqlx::Result<()> {
    crate::db_query!(
        "INSERT INTO login_devices (token, user_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (token) DO UPDATE SET user_id = excluded.user_id, created_at = excluded.created_at",
        token,
        user_id,
        now,
    )
    .execute(&mut *db)
    .await?;
    crate::db_query!(
        "DELETE FROM login_devices WHERE user_id = $1 AND token NOT IN \
         (SELECT token FROM login_devices WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2)",
        user_id,
        DEVICES_PER_USER,
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// The user with this id.
pub async fn user_by_id(db: impl DbExecutor<'_>, id: i64) -> sqlx::Result<Option<UserRow>> {
    crate::db_query_as!(
        UserRow,
        r#"SELECT id AS "id!", username, email, password_hash, role AS "role: Role"
           FROM users WHERE id = $1"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// The user with this email, in any letter case.
pub async fn user_by_email(db: impl DbExecutor<'_>, email: &str) -> sqlx::Result<Option<UserRow>> {
    let email = email.trim();
    if email.contains('\0') {
        // No stored email holds a NUL (none passes `Email::parse`), and PostgreSQL refuses
        // one in any text it is sent: nobody has this address.
        return Ok(None);
    }
    crate::db_query_as!(
        UserRow,
        r#"SELECT id AS "id!", username, email, password_hash, role AS "role: Role"
           FROM users WHERE email = $1 COLLATE NOCASE"#,
        email,
    )
    .fetch_optional(db)
    .await
}

/// Whether any other user than `except_id` has this email.
pub async fn email_taken(
    db: impl DbExecutor<'_>,
    email: &Email,
    except_id: i64,
) -> sqlx::Result<bool> {
    let address = email.as_str();
    let found = crate::db_query_scalar!(
        r#"SELECT id AS "id!" FROM users WHERE email = $1 COLLATE NOCASE AND id <> $2"#,
        address,
        except_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// Changes a user's email. Fails with a unique violation if another user has it.
pub async fn update_email(
    db: impl DbExecutor<'_>,
    user_id: i64,
    email: &Email,
) -> Result<(), CreateUserError> {
    let address = email.as_str();
    let result = crate::db_query!(
        "UPDATE users SET email = $1 WHERE id = $2",
        address,
        user_id
    )
    .execute(db)
    .await;
    let taken = result.as_ref().err().and_then(unique_violation);
    match (result, taken.as_deref()) {
        (Ok(_), _) => Ok(()),
        (Err(_), Some("users.email")) => Err(CreateUserError::EmailTaken),
        (Err(e), _) => Err(CreateUserError::Db(e)),
    }
}

/// Replaces a user's password hash.
pub async fn update_password_hash(
    db: impl DbExecutor<'_>,
    user_id: i64,
    password_hash: &str,
) -> sqlx::Result<()> {
    crate::db_query!(
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        password_hash,
        user_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the users table is empty (a fresh database, ready for demo data).
pub async fn no_users(db: impl DbExecutor<'_>) -> sqlx::Result<bool> {
    let count = crate::db_query_scalar!(r#"SELECT COUNT(*) AS "n!" FROM users"#)
        .fetch_one(db)
        .await?;
    Ok(count == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::password;

    fn name(s: &str) -> Username {
        Username::parse(s).unwrap()
    }
    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn creates_and_reads_a_user(pool: DbPool) {
        let id = create_user(
            &pool,
            &name("anna"),
            &email("anna@example.com"),
            "hash",
            Role::Supplier,
        )
        .await
        .unwrap();
        let row = user_by_id(&pool, id).await.unwrap().unwrap();
        assert_eq!(row.username, "anna");
        assert_eq!(row.to_session_user().role, Role::Supplier);
        let by_email = user_by_email(&pool, "ANNA@example.com").await.unwrap();
        assert_eq!(by_email.map(|u| u.id), Some(id));
        assert!(!no_users(&pool).await.unwrap());
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn email_is_unique_regardless_of_case(pool: DbPool) {
        create_user(
            &pool,
            &name("anna"),
            &email("anna@example.com"),
            "h",
            Role::Customer,
        )
        .await
        .unwrap();
        // Bypass the normalising Email type to prove the database itself refuses.
        let err = crate::db_query!(
            "INSERT INTO users (username, email, password_hash, role) \
             VALUES ('bob', 'ANNA@Example.com', 'h', 'customer')"
        )
        .execute(&pool)
        .await
        .unwrap_err();
        assert!(err.as_database_error().unwrap().is_unique_violation());
        let again = create_user(
            &pool,
            &name("bob"),
            &email("Anna@Example.com"),
            "h",
            Role::Customer,
        )
        .await;
        assert!(matches!(again, Err(CreateUserError::EmailTaken)));
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn username_is_unique_regardless_of_case(pool: DbPool) {
        create_user(
            &pool,
            &name("anna"),
            &email("a@example.com"),
            "h",
            Role::Customer,
        )
        .await
        .unwrap();
        let again = create_user(
            &pool,
            &name("ANNA"),
            &email("b@example.com"),
            "h",
            Role::Customer,
        )
        .await;
        assert!(matches!(again, Err(CreateUserError::UsernameTaken)));
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn stored_password_verifies(pool: DbPool) {
        let hash = password::hash("correct horse battery").await.unwrap();
        let id = create_user(
            &pool,
            &name("anna"),
            &email("a@example.com"),
            &hash,
            Role::Customer,
        )
        .await
        .unwrap();
        let row = user_by_id(&pool, id).await.unwrap().unwrap();
        assert!(row.password_hash.starts_with("$argon2id$"));
        assert!(
            password::verify("correct horse battery", &row.password_hash)
                .await
                .unwrap()
        );
        assert!(
            !password::verify("correct horse batterY", &row.password_hash)
                .await
                .unwrap()
        );
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn email_change_refuses_a_taken_address(pool: DbPool) {
        let a = create_user(
            &pool,
            &name("anna"),
            &email("a@example.com"),
            "h",
            Role::Customer,
        )
        .await
        .unwrap();
        create_user(
            &pool,
            &name("bob"),
            &email("b@example.com"),
            "h",
            Role::Customer,
        )
        .await
        .unwrap();
        assert!(email_taken(&pool, &email("B@example.com"), a)
            .await
            .unwrap());
        assert!(!email_taken(&pool, &email("a@example.com"), a)
            .await
            .unwrap());
        assert!(matches!(
            update_email(&pool, a, &email("b@example.com")).await,
            Err(CreateUserError::EmailTaken)
        ));
        update_email(&pool, a, &email("new@example.com"))
            .await
            .unwrap();
        assert_eq!(
            user_by_id(&pool, a).await.unwrap().unwrap().email,
            "new@example.com"
        );
    }

    /// A role the schema does not admit is a read error, not a customer.
    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn an_unknown_role_is_an_error(pool: DbPool) {
        let bad = sqlx::query_scalar::<_, Role>("SELECT 'wizard'")
            .fetch_one(&pool)
            .await;
        assert!(
            matches!(bad, Err(sqlx::Error::ColumnDecode { .. })),
            "{bad:?}"
        );
        for role in [Role::Customer, Role::Supplier] {
            let read: Role = sqlx::query_scalar(&format!("SELECT '{}'", role.as_str()))
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(read, role);
        }
    }

    /// Each unique index is told apart by the exact column SQLite names, whatever else the
    /// message holds.
    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn unique_violations_name_their_column(pool: DbPool) {
        create_user(
            &pool,
            &name("NordBrake"),
            &email("shop@nordbrake.example"),
            "h",
            Role::Supplier,
        )
        .await
        .unwrap();
        let insert = |username: &'static str, address: &'static str, skeleton: String| {
            let pool = pool.clone();
            async move {
                crate::db_query!(
                    "INSERT INTO users (username, email, password_hash, role, username_skeleton) \
                     VALUES ($1, $2, 'h', 'customer', $3)",
                    username,
                    address,
                    skeleton,
                )
                .execute(&pool)
                .await
                .unwrap_err()
            }
        };
        let skeleton = name("NordBrake").skeleton();
        let email_taken = insert("other", "SHOP@nordbrake.example", "other".into()).await;
        let name_taken = insert("nordbrake", "b@example.com", "x".into()).await;
        let look_alike = insert("N0rdBrake", "c@example.com", skeleton).await;
        assert_eq!(
            unique_violation(&email_taken).as_deref(),
            Some("users.email")
        );
        assert_eq!(
            unique_violation(&name_taken).as_deref(),
            Some("users.username")
        );
        assert_eq!(
            unique_violation(&look_alike).as_deref(),
            Some("users.username_skeleton")
        );
        // Not a unique violation (the name is too short): no column.
        let check = crate::db_query!(
            "INSERT INTO users (username, email, password_hash, role) \
             VALUES ('x', 'email.users@example.com', 'h', 'customer')"
        )
        .execute(&pool)
        .await
        .unwrap_err();
        assert_eq!(unique_violation(&check), None);
        let look_alike = create_user(
            &pool,
            &name("N0rdBrake"),
            &email("d@example.com"),
            "h",
            Role::Customer,
        )
        .await;
        assert!(matches!(
            look_alike,
            Err(CreateUserError::UsernameLookAlike)
        ));
    }
}
