//! A namespace's CNAME chain and what it says: the cluster, the privatelink step, the
//! deployment and the region, or why the chain is not what Microsoft's tool expects.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::probe::Deadline;
use crate::relay::dns::{Dns, Failure};
use crate::relay::rule::Rule;

/// Most CNAME records followed (our choice: a namespace's chain has one or two, see
/// [`crate::relay::rule`]; eight leaves room for a resolver's own aliases).
pub const MAX_HOPS: usize = 8;

/// The label GetNamespaceInfo.ps1 looks for to take one more CNAME step (2024-10-22 and
/// later): `if ($CloudServiceDNS.contains(".privatelink.servicebus"))`.
pub const PRIVATE_LINK_MARK: &str = ".privatelink.servicebus";

/// Anything that answers "what is the CNAME of this name" (the resolver, or a table in tests).
pub trait CnameSource {
    /// The CNAME target of `name`; `Ok(None)` when the name exists without one.
    fn cname(
        &self,
        name: &str,
        deadline: Deadline,
    ) -> impl Future<Output = Result<Option<String>, Failure>> + Send;
}

impl CnameSource for Dns {
    fn cname(
        &self,
        name: &str,
        deadline: Deadline,
    ) -> impl Future<Output = Result<Option<String>, Failure>> + Send {
        Dns::cname(self, name, deadline)
    }
}

/// How following the chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The last name has no CNAME: the chain is complete.
    Complete,
    /// The name at this index of `hops` does not exist (NXDOMAIN).
    Missing(usize),
    /// The last name points back at the name at this index.
    Loop(usize),
    /// More than [`MAX_HOPS`] CNAME records.
    TooLong,
    /// The query for the last name failed.
    Failed(Failure),
}

/// The names from the namespace to the end of its chain, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The namespace first, then each CNAME target in order.
    pub hops: Vec<String>,
    /// How it ended.
    pub end: End,
}

/// Follows CNAME records from `name`, one query per name, each with the stage deadline.
pub async fn follow<S: CnameSource>(
    source: &S,
    name: &str,
    stage: Duration,
    overall: Instant,
) -> Chain {
    let mut hops = vec![name.to_ascii_lowercase()];
    loop {
        let Some(current) = hops.last().cloned() else {
            break Chain {
                hops,
                end: End::Complete,
            };
        };
        let deadline = Deadline::for_stage(stage, overall);
        match source.cname(&current, deadline).await {
            Ok(None) => {
                break Chain {
                    hops,
                    end: End::Complete,
                }
            }
            Ok(Some(target)) => {
                let target = target.to_ascii_lowercase();
                if let Some(i) = hops.iter().position(|h| *h == target) {
                    hops.push(target);
                    break Chain {
                        hops,
                        end: End::Loop(i),
                    };
                }
                hops.push(target);
                if hops.len() > MAX_HOPS {
                    break Chain {
                        hops,
                        end: End::TooLong,
                    };
                }
            }
            Err(Failure::NxDomain) => {
                let at = hops.len() - 1;
                break Chain {
                    hops,
                    end: End::Missing(at),
                };
            }
            Err(f) => {
                break Chain {
                    hops,
                    end: End::Failed(f),
                }
            }
        }
    }
}

/// The cluster a namespace's chain leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Cluster host name, e.g. `ns-prod-bn-vaz0001.eastus2.cloudapp.azure.com`.
    pub host: String,
    /// The privatelink name passed on the way, if any.
    pub private_link: Option<String>,
    /// The cluster's first label (the deployment is derived from it).
    pub first_label: String,
    /// Second label of a name with four or more labels (the script's `ClusterRegion`).
    pub region: Option<String>,
    /// The namespace's name after its first label (`<parent>` in the gateway names).
    pub parent: String,
}

impl Cluster {
    /// The deployment under `rule`.
    pub fn deployment(&self, rule: Rule) -> Option<String> {
        rule.deployment(&self.first_label)
    }
}

/// Why a chain does not lead to a cluster the rule can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The namespace itself does not exist.
    NxDomain,
    /// The namespace exists but is not a CNAME.
    NoCname,
    /// The namespace leads to a privatelink name that is not a CNAME (a private zone's
    /// A record, typically): there is no public cluster name to derive from.
    PrivateLinkNoCluster(String),
    /// A name in the chain does not exist: (the CNAME pointing at it, the missing name).
    Broken(String, String),
    /// The chain comes back to a name it already passed.
    Loop(String),
    /// Longer than [`MAX_HOPS`].
    TooLong,
    /// The cluster position holds a name whose first label does not start with `ns-`.
    NotACluster(String),
    /// A query failed (the name and why).
    Dns(String, Failure),
}

/// Reads the chain the way GetNamespaceInfo.ps1 does (the namespace's CNAME, or the one
/// after a privatelink step), refusing to guess when it does not fit.
pub fn interpret(chain: &Chain) -> Result<Cluster, Problem> {
    let hops = &chain.hops;
    match &chain.end {
        End::Missing(0) => return Err(Problem::NxDomain),
        End::Missing(i) => {
            let from = hops.get(i.saturating_sub(1)).cloned().unwrap_or_default();
            let to = hops.get(*i).cloned().unwrap_or_default();
            return Err(Problem::Broken(from, to));
        }
        End::Loop(i) => return Err(Problem::Loop(hops.get(*i).cloned().unwrap_or_default())),
        End::TooLong => return Err(Problem::TooLong),
        End::Failed(f) => {
            return Err(Problem::Dns(
                hops.last().cloned().unwrap_or_default(),
                f.clone(),
            ))
        }
        End::Complete => {}
    }
    let namespace = hops.first().cloned().unwrap_or_default();
    let Some(first) = hops.get(1) else {
        return Err(Problem::NoCname);
    };
    let (host, private_link) = if first.contains(PRIVATE_LINK_MARK) {
        match hops.get(2) {
            Some(next) => (next.clone(), Some(first.clone())),
            None => return Err(Problem::PrivateLinkNoCluster(first.clone())),
        }
    } else {
        (first.clone(), None)
    };
    let labels: Vec<&str> = host.split('.').collect();
    let first_label = labels.first().copied().unwrap_or_default().to_string();
    if labels.len() < 3 || Rule::Current.deployment(&first_label).is_none() {
        return Err(Problem::NotACluster(host));
    }
    let region = (labels.len() >= 4).then(|| labels[1].to_string());
    let parent = namespace
        .split_once('.')
        .map(|(_, p)| p.to_string())
        .unwrap_or_default();
    Ok(Cluster {
        host,
        private_link,
        first_label,
        region,
        parent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A CNAME table: `Some(target)`, `None` for a name without CNAME; absent = NXDOMAIN.
    struct Table(HashMap<&'static str, Option<&'static str>>);

    impl CnameSource for Table {
        fn cname(
            &self,
            name: &str,
            _deadline: Deadline,
        ) -> impl Future<Output = Result<Option<String>, Failure>> + Send {
            let r = match self.0.get(name) {
                Some(t) => Ok(t.map(str::to_string)),
                None => Err(Failure::NxDomain),
            };
            std::future::ready(r)
        }
    }

    fn run(table: &[(&'static str, Option<&'static str>)], start: &str) -> Chain {
        let t = Table(table.iter().copied().collect());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(follow(
            &t,
            start,
            Duration::from_secs(1),
            Instant::now() + Duration::from_secs(5),
        ))
    }

    const NS: &str = "x.servicebus.windows.net";
    const CLUSTER: &str = "ns-prod-bn-vaz0001.eastus2.cloudapp.azure.com";

    #[test]
    fn direct_and_privatelink_chains_give_the_cluster() {
        let c = run(&[(NS, Some(CLUSTER)), (CLUSTER, None)], NS);
        assert_eq!(c.end, End::Complete);
        let cl = interpret(&c).expect("cluster");
        assert_eq!(cl.host, CLUSTER);
        assert_eq!(cl.region.as_deref(), Some("eastus2"));
        assert_eq!(cl.parent, "servicebus.windows.net");
        assert_eq!(
            cl.deployment(Rule::Current).as_deref(),
            Some("prod-bn-vaz0001")
        );
        assert_eq!(cl.private_link, None);

        let pl = "x.privatelink.servicebus.windows.net";
        let c = run(&[(NS, Some(pl)), (pl, Some(CLUSTER)), (CLUSTER, None)], NS);
        let cl = interpret(&c).expect("cluster");
        assert_eq!(cl.host, CLUSTER);
        assert_eq!(cl.private_link.as_deref(), Some(pl));

        let c = run(&[(NS, Some(pl)), (pl, None)], NS);
        assert_eq!(interpret(&c), Err(Problem::PrivateLinkNoCluster(pl.into())));
    }

    #[test]
    fn broken_chains_are_named_not_guessed() {
        assert_eq!(interpret(&run(&[], NS)), Err(Problem::NxDomain));
        assert_eq!(interpret(&run(&[(NS, None)], NS)), Err(Problem::NoCname));
        let c = run(&[(NS, Some("gone.example"))], NS);
        assert_eq!(c.end, End::Missing(1));
        assert_eq!(
            interpret(&c),
            Err(Problem::Broken(NS.into(), "gone.example".into()))
        );
        let c = run(
            &[(NS, Some("www.example.net")), ("www.example.net", None)],
            NS,
        );
        assert_eq!(
            interpret(&c),
            Err(Problem::NotACluster("www.example.net".into()))
        );
        let c = run(&[(NS, Some("ns-x.local")), ("ns-x.local", None)], NS);
        assert_eq!(
            interpret(&c),
            Err(Problem::NotACluster("ns-x.local".into()))
        );
    }

    #[test]
    fn loops_and_long_chains_stop() {
        let c = run(&[(NS, Some("a.example")), ("a.example", Some(NS))], NS);
        assert_eq!(c.end, End::Loop(0));
        assert_eq!(c.hops.len(), 3);
        assert_eq!(interpret(&c), Err(Problem::Loop(NS.into())));

        let names: Vec<&'static str> = (0..20)
            .map(|i| &*Box::leak(format!("h{i}.example").into_boxed_str()))
            .collect();
        let mut table: Vec<(&'static str, Option<&'static str>)> =
            names.windows(2).map(|w| (w[0], Some(w[1]))).collect();
        table.push((names[19], None));
        let c = run(&table, names[0]);
        assert_eq!(c.end, End::TooLong);
        assert_eq!(c.hops.len(), MAX_HOPS + 1);
        assert_eq!(interpret(&c), Err(Problem::TooLong));
    }

    #[test]
    fn old_cluster_names_have_no_region() {
        let old = "ns-sb2-prod-by-003.cloudapp.net";
        let c = run(&[(NS, Some(old)), (old, None)], NS);
        let cl = interpret(&c).expect("cluster");
        assert_eq!(cl.region, None);
        assert_eq!(
            cl.deployment(Rule::Current).as_deref(),
            Some("sb2-prod-by-003")
        );
        assert_eq!(
            cl.deployment(Rule::Script2024).as_deref(),
            Some("prod-by-003")
        );
    }
}
