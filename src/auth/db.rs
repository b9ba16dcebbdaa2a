//! All SQL of the users table, which this feature owns.

use super::{Email, Role, SessionUser, Username};
use sqlx::{error::DatabaseError, SqliteExecutor};

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

/// The columns a unique index found taken, as SQLite names them in its message ("UNIQUE
/// constraint failed: users.email", or "t.a, t.b" for an index of several columns); `None`
/// for any other error. sqlx's `constraint()` is always `None` on SQLite, and SQLite names an
/// index (rather than its columns) only for an index on an expression, which the users table
/// does not have.
fn unique_columns(e: &dyn DatabaseError) -> Option<Vec<&str>> {
    if !e.is_unique_violation() {
        return None;
    }
    e.message()
        .strip_prefix("UNIQUE constraint failed: ")
        .map(|columns| columns.split(", ").collect())
}

/// The one column (`table.column`) whose unique index a failed write ran into, if that is why
/// it failed.
fn taken_column(err: &sqlx::Error) -> Option<String> {
    match unique_columns(err.as_database_error()?)?.as_slice() {
        [column] => Some((*column).to_string()),
        _ => None,
    }
}

/// Stores a new user with an already computed password hash and returns its id.
pub async fn create_user(
    db: impl sqlx::Acquire<'_, Database = sqlx::Sqlite>,
    username: &Username,
    email: &Email,
    password_hash: &str,
    role: Role,
) -> Result<i64, CreateUserError> {
    let mut conn = db.acquire().await.map_err(CreateUserError::Db)?;
    let (name, address, skeleton) = (username.as_str(), email.as_str(), username.skeleton());
    let result = sqlx::query!(
        "INSERT INTO users (username, email, password_hash, role, username_skeleton) \
         VALUES (?, ?, ?, ?, ?)",
        name,
        address,
        password_hash,
        role,
        skeleton,
    )
    .execute(&mut *conn)
    .await;
    let taken = result.as_ref().err().and_then(taken_column);
    match (result, taken.as_deref()) {
        (Ok(done), _) => Ok(done.last_insert_rowid()),
        (Err(_), Some("users.email")) => Err(CreateUserError::EmailTaken),
        (Err(_), Some("users.username")) => Err(CreateUserError::UsernameTaken),
        (Err(_), Some("users.username_skeleton")) => {
            // The same name in other letter case also shares the skeleton; say "taken" then.
            let same_name = sqlx::query_scalar!(
                r#"SELECT id AS "id!" FROM users WHERE username = ? COLLATE NOCASE"#,
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
pub async fn fill_missing_username_skeletons(pool: &sqlx::SqlitePool) -> sqlx::Result<u64> {
    let missing =
        sqlx::query!(r#"SELECT id AS "id!", username FROM users WHERE username_skeleton IS NULL"#)
            .fetch_all(pool)
            .await?;
    let mut filled = 0;
    for user in missing {
        let (id, skeleton) = (user.id, Username::skeleton_of(&user.username));
        match sqlx::query!(
            "UPDATE users SET username_skeleton = ? WHERE id = ?",
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
pub async fn device_owner(db: impl SqliteExecutor<'_>, token: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("SELECT user_id FROM login_devices WHERE token = ?", token)
        .fetch_optional(db)
        .await
}

/// Remembers that the browser holding `token` logged in to `user_id`, keeping only the
/// newest [`DEVICES_PER_USER`] of that account.
pub async fn remember_device(
    db: &mut sqlx::SqliteConnection,
    user_id: i64,
    token: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT OR REPLACE INTO login_devices (token, user_id, created_at) VALUES (?, ?, ?)",
        token,
        user_id,
        now,
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "DELETE FROM login_devices WHERE user_id = ?1 AND token NOT IN \
         (SELECT token FROM login_devices WHERE user_id = ?1 ORDER BY created_at DESC LIMIT ?2)",
        user_id,
        DEVICES_PER_USER,
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// The user with this id.
pub async fn user_by_id(db: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id AS "id!", username, email, password_hash, role AS "role: Role"
           FROM users WHERE id = ?"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// The user with this email, in any letter case.
pub async fn user_by_email(
    db: impl SqliteExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<UserRow>> {
    let email = email.trim();
    sqlx::query_as!(
        UserRow,
        r#"SELECT id AS "id!", username, email, password_hash, role AS "role: Role"
           FROM users WHERE email = ? COLLATE NOCASE"#,
        email,
    )
    .fetch_optional(db)
    .await
}

/// Whether any other user than `except_id` has this email.
pub async fn email_taken(
    db: impl SqliteExecutor<'_>,
    email: &Email,
    except_id: i64,
) -> sqlx::Result<bool> {
    let address = email.as_str();
    let found = sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM users WHERE email = ? COLLATE NOCASE AND id <> ?"#,
        address,
        except_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// Changes a user's email. Fails with a unique violation if another user has it.
pub async fn update_email(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
    email: &Email,
) -> Result<(), CreateUserError> {
    let address = email.as_str();
    let result = sqlx::query!("UPDATE users SET email = ? WHERE id = ?", address, user_id)
        .execute(db)
        .await;
    let taken = result.as_ref().err().and_then(taken_column);
    match (result, taken.as_deref()) {
        (Ok(_), _) => Ok(()),
        (Err(_), Some("users.email")) => Err(CreateUserError::EmailTaken),
        (Err(e), _) => Err(CreateUserError::Db(e)),
    }
}

/// Replaces a user's password hash.
pub async fn update_password_hash(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET password_hash = ? WHERE id = ?",
        password_hash,
        user_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the users table is empty (a fresh database, ready for demo data).
pub async fn no_users(db: impl SqliteExecutor<'_>) -> sqlx::Result<bool> {
    let count = sqlx::query_scalar!("SELECT COUNT(*) FROM users")
        .fetch_one(db)
        .await?;
    Ok(count == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::password;
    use sqlx::SqlitePool;

    fn name(s: &str) -> Username {
        Username::parse(s).unwrap()
    }
    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[sqlx::test]
    async fn creates_and_reads_a_user(pool: SqlitePool) {
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

    #[sqlx::test]
    async fn email_is_unique_regardless_of_case(pool: SqlitePool) {
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
        let err = sqlx::query!(
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

    #[sqlx::test]
    async fn username_is_unique_regardless_of_case(pool: SqlitePool) {
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

    #[sqlx::test]
    async fn stored_password_verifies(pool: SqlitePool) {
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

    #[sqlx::test]
    async fn email_change_refuses_a_taken_address(pool: SqlitePool) {
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
    #[sqlx::test]
    async fn an_unknown_role_is_an_error(pool: SqlitePool) {
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
    #[sqlx::test]
    async fn unique_violations_name_their_column(pool: SqlitePool) {
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
                sqlx::query!(
                    "INSERT INTO users (username, email, password_hash, role, username_skeleton) \
                     VALUES (?, ?, 'h', 'customer', ?)",
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
        assert_eq!(taken_column(&email_taken).as_deref(), Some("users.email"));
        assert_eq!(taken_column(&name_taken).as_deref(), Some("users.username"));
        assert_eq!(
            taken_column(&look_alike).as_deref(),
            Some("users.username_skeleton")
        );
        // Not a unique violation (the name is too short): no column.
        let check = sqlx::query!(
            "INSERT INTO users (username, email, password_hash, role) \
             VALUES ('x', 'email.users@example.com', 'h', 'customer')"
        )
        .execute(&pool)
        .await
        .unwrap_err();
        assert_eq!(taken_column(&check), None);
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
