#!/usr/bin/env python3
"""How much of a knowledge graph's test split a rule could answer from train alone: the share of test triples
(h, r, t) whose reverse (t, r', h) is in train, where r' is r's inverse as train shows it (the relation whose train
triples reverse r's most often; r itself for symmetric relations). Per relation and in all. Toutanova and Chen (2015)
and Dettmers et al. (2018) found most of WN18's and FB15k's test triples answerable this way.

    scripts/kg-inverse-share.py TRAIN TEST        (tab-separated head, relation, tail per line)
"""
import sys
from collections import Counter, defaultdict


def triples(path):
    with open(path) as f:
        return [tuple(line.rstrip("\n").split("\t")[:3]) for line in f if line.strip()]


def main(train_path, test_path):
    train = triples(train_path)
    test = triples(test_path)
    pairs = defaultdict(set)  # (h, t) -> relations from h to t in train
    for h, r, t in train:
        pairs[(h, t)].add(r)
    size = Counter(r for _, r, _ in train)
    reversed_by = defaultdict(Counter)  # r -> r' -> |{(h, r, t) in train : (t, r', h) in train}|
    for h, r, t in train:
        for r2 in pairs.get((t, h), ()):
            reversed_by[r][r2] += 1
    inverse = {r: (reversed_by[r].most_common(1)[0][0] if reversed_by[r] else None) for r in size}
    answered = Counter()
    count = Counter()
    for h, r, t in test:
        count[r] += 1
        if inverse.get(r) is not None and inverse[r] in pairs.get((t, h), ()):
            answered[r] += 1
    print(f"{'relation':40s} {'inverse in train':32s} {'test':>6s} {'answered':>9s} {'share':>7s}")
    for r, n in count.most_common():
        inv = inverse.get(r)
        share_train = reversed_by[r][inv] / size[r] if inv else 0.0
        print(f"{r:40s} {str(inv) + f' ({share_train:.2f} of train)':32s} {n:6d} {answered[r]:9d} {answered[r] / n:7.3f}")
    total = sum(count.values())
    print(f"all: {sum(answered.values())} of {total} test triples have their reverse in train under the relation's"
          f" inverse: {sum(answered.values()) / total:.4f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/kg-inverse-share.py TRAIN TEST")
    main(sys.argv[1], sys.argv[2])
