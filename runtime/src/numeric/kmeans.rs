//! sklearn's KMeans: k-means++ initialisation (greedy, 2 + ln k trials per center) and Lloyd
//! iterations with its relocation of empty clusters.

use rand::{Rng, RngExt};

/// One k-means result: labels per sample, k×d centers (row-major), inertia.
#[derive(Clone, Debug)]
pub struct KMeansFit {
    pub labels: Vec<usize>,
    pub centers: Vec<f64>,
    pub inertia: f64,
}

fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// sklearn's `_kmeans_plusplus` (greedy k-means++, 2 + ln k local trials per center).
fn kmeans_plusplus(x: &[f64], d: usize, k: usize, rng: &mut impl Rng) -> Vec<f64> {
    let n = x.len() / d;
    let row = |i: usize| &x[i * d..(i + 1) * d];
    let trials = 2 + (k as f64).ln() as usize;
    let mut centers = Vec::with_capacity(k * d);
    let first = rng.random_range(0..n);
    centers.extend_from_slice(row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist(row(i), row(first))).collect();
    let mut pot: f64 = closest.iter().sum();
    for _ in 1..k {
        let mut cum = Vec::with_capacity(n);
        let mut acc = 0.0;
        for &c in &closest {
            acc += c;
            cum.push(acc);
        }
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let r: f64 = rng.random::<f64>() * pot;
            let cand = cum.partition_point(|&c| c < r).min(n - 1);
            let dists: Vec<f64> = (0..n).map(|i| sq_dist(row(i), row(cand)).min(closest[i])).collect();
            let cand_pot: f64 = dists.iter().sum();
            if best.as_ref().is_none_or(|(p, _, _)| cand_pot < *p) {
                best = Some((cand_pot, cand, dists));
            }
        }
        if let Some((p, cand, dists)) = best {
            pot = p;
            closest = dists;
            centers.extend_from_slice(row(cand));
        }
    }
    centers
}

/// The nearest center of each sample (ties: the first) and the inertia.
fn assign(x: &[f64], d: usize, centers: &[f64], labels: &mut [usize]) -> f64 {
    let k = centers.len() / d;
    let mut inertia = 0.0;
    for (i, l) in labels.iter_mut().enumerate() {
        let xi = &x[i * d..(i + 1) * d];
        let mut best = (f64::INFINITY, 0);
        for j in 0..k {
            let dist = sq_dist(xi, &centers[j * d..(j + 1) * d]);
            if dist < best.0 {
                best = (dist, j);
            }
        }
        *l = best.1;
        inertia += best.0;
    }
    inertia
}

/// sklearn's `_kmeans_single_lloyd`, including its relocation of empty clusters to the points
/// farthest from their centers.
fn lloyd(x: &[f64], d: usize, mut centers: Vec<f64>, max_iter: usize, tol: f64) -> KMeansFit {
    let n = x.len() / d;
    let k = centers.len() / d;
    let mut labels = vec![usize::MAX; n];
    let mut labels_old = labels.clone();
    let mut strict = false;
    for _ in 0..max_iter {
        assign(x, d, &centers, &mut labels);
        let mut sums = vec![0.0; k * d];
        let mut weight = vec![0.0; k];
        for (i, &l) in labels.iter().enumerate() {
            weight[l] += 1.0;
            for f in 0..d {
                sums[l * d + f] += x[i * d + f];
            }
        }
        let empty: Vec<usize> = (0..k).filter(|&j| weight[j] == 0.0).collect();
        if !empty.is_empty() {
            let dist: Vec<f64> =
                (0..n).map(|i| sq_dist(&x[i * d..(i + 1) * d], &centers[labels[i] * d..(labels[i] + 1) * d])).collect();
            let mut far: Vec<usize> = (0..n).collect();
            far.sort_by(|&a, &b| dist[b].total_cmp(&dist[a]));
            for (&new, &p) in empty.iter().zip(&far) {
                let old = labels[p];
                for f in 0..d {
                    sums[old * d + f] -= x[p * d + f];
                    sums[new * d + f] = x[p * d + f];
                }
                weight[new] = 1.0;
                weight[old] -= 1.0;
            }
        }
        let mut shift = 0.0;
        for j in 0..k {
            if weight[j] > 0.0 {
                for f in 0..d {
                    sums[j * d + f] /= weight[j];
                }
            }
            shift += sq_dist(&sums[j * d..(j + 1) * d], &centers[j * d..(j + 1) * d]);
        }
        centers = sums;
        if labels == labels_old {
            strict = true;
            break;
        }
        if shift <= tol {
            break;
        }
        labels_old.clone_from(&labels);
    }
    if !strict {
        assign(x, d, &centers, &mut labels);
    }
    let inertia = (0..n).map(|i| sq_dist(&x[i * d..(i + 1) * d], &centers[labels[i] * d..(labels[i] + 1) * d])).sum();
    KMeansFit { labels, centers, inertia }
}

/// sklearn's `_is_same_clustering`: the same partition up to a renaming of the labels.
fn same_clustering(a: &[usize], b: &[usize], k: usize) -> bool {
    let mut map = vec![usize::MAX; k];
    a.iter().zip(b).all(|(&p, &q)| {
        if map[p] == usize::MAX {
            map[p] = q;
        }
        map[p] == q
    })
}

/// sklearn's `KMeans(n_clusters=k, init="k-means++", n_init, max_iter, tol).fit(x)` on `n × d`
/// row-major data (centred first, as sklearn does), with clusters renumbered by first
/// appearance (the cluster of row 0 is 0, the next new one 1, …).
pub fn kmeans(
    x: &[f64],
    d: usize,
    k: usize,
    n_init: usize,
    max_iter: usize,
    tol: f64,
    rng: &mut impl Rng,
) -> KMeansFit {
    let n = x.len() / d;
    let mean: Vec<f64> = (0..d).map(|f| (0..n).map(|i| x[i * d + f]).sum::<f64>() / n as f64).collect();
    let var_mean =
        (0..d).map(|f| (0..n).map(|i| (x[i * d + f] - mean[f]).powi(2)).sum::<f64>() / n as f64).sum::<f64>()
            / d as f64;
    let xc: Vec<f64> = x.iter().enumerate().map(|(i, v)| v - mean[i % d]).collect();
    let mut best: Option<KMeansFit> = None;
    for _ in 0..n_init.max(1) {
        let init = kmeans_plusplus(&xc, d, k, rng);
        let fit = lloyd(&xc, d, init, max_iter, var_mean * tol);
        let better = match &best {
            None => true,
            Some(b) => fit.inertia < b.inertia && !same_clustering(&fit.labels, &b.labels, k),
        };
        if better {
            best = Some(fit);
        }
    }
    let Some(mut fit) = best else { return KMeansFit { labels: Vec::new(), centers: Vec::new(), inertia: 0.0 } };
    for (i, c) in fit.centers.iter_mut().enumerate() {
        *c += mean[i % d];
    }
    // renumber by first appearance; clusters no sample belongs to go last
    let mut order: Vec<usize> = Vec::with_capacity(k);
    for &l in fit.labels.iter().chain(&(0..k).collect::<Vec<_>>()) {
        if !order.contains(&l) {
            order.push(l);
        }
    }
    let mut new_of = vec![0; k];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new;
    }
    fit.labels.iter_mut().for_each(|l| *l = new_of[*l]);
    fit.centers = order.iter().flat_map(|&old| fit.centers[old * d..(old + 1) * d].to_vec()).collect();
    fit
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn kmeans_finds_separated_blobs_for_any_seed() {
        let pts = [[0.0, 0.0], [0.1, 0.2], [-0.1, 0.1], [10.0, 10.0], [10.2, 9.9], [5.0, -8.0], [5.1, -8.2]];
        let x: Vec<f64> = pts.iter().flatten().copied().collect();
        for seed in 0..20 {
            let fit = kmeans(&x, 2, 3, 3, 300, 1e-4, &mut rand::rngs::StdRng::seed_from_u64(seed));
            assert_eq!(fit.labels, [0, 0, 0, 1, 1, 2, 2], "seed {seed}");
            assert!((fit.centers[0] - 0.0).abs() < 1e-12 && (fit.centers[2] - 10.1).abs() < 1e-12);
        }
        assert!(same_clustering(&[0, 0, 1], &[1, 1, 0], 2));
        assert!(!same_clustering(&[0, 0, 1], &[1, 0, 0], 2));
    }

    #[test]
    fn kmeans_relocates_empty_clusters() {
        // four identical points and k = 2: one cluster must be refilled
        let x = vec![1.0; 4];
        let fit = kmeans(&x, 1, 2, 1, 10, 1e-4, &mut rand::rngs::StdRng::seed_from_u64(1));
        assert_eq!(fit.labels.len(), 4);
        assert!(fit.centers.iter().all(|c| c.is_finite()));
    }
}
