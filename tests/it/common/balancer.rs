//! A small round-robin TCP load balancer for the scale-out test: each new connection goes to
//! the next backend; a backend that refuses the connection (a killed server) is skipped, as a
//! balancer's health check would.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};
use tokio::net::{TcpListener, TcpStream};

/// The balancer's address; it runs until the test's runtime ends.
pub async fn start(backends: Vec<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let next = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let backends = backends.clone();
            let next = next.clone();
            tokio::spawn(async move {
                for _ in 0..backends.len() {
                    let i = next.fetch_add(1, Ordering::Relaxed) % backends.len();
                    if let Ok(mut server) = TcpStream::connect(&backends[i]).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        return;
                    }
                }
            });
        }
    });
    addr
}
