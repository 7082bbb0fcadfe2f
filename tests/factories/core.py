"""What every factory module shares: one running number, so names, codes and e-mails made by
different modules never collide within a run."""
import itertools

_seq = itertools.count(1)


def next_number():
    return next(_seq)
