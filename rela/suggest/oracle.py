"""Deciding clause chains on situations, with the real checker (the search's only judge).

A *chain* is the tuple of clause bodies an FEC sees, in spec order; the spec it
is checked against is ``c1 else c2 else ... else .* : preserve``, compiled by
:mod:`rela.compile` and decided by :mod:`rela.verify`'s checker, so the search
uses exactly the semantics ``rela check`` uses.  Verdicts are cached per
(chain, situation); a chain is compiled once.

>>> from rela.network.model import Graph
>>> from rela.suggest.clauses import replace_device
>>> from rela.suggest.observe import observe
>>> from rela.network.model import Fec
>>> b, a = Graph.from_paths([["s", "core1", "t"]]), Graph.from_paths([["s", "core2", "t"]])
>>> [sit] = observe([Fec(0, None, (), b, a)]).situations
>>> oracle = Oracle()
>>> oracle.holds((), sit), oracle.holds((replace_device("core1", "core2"),), sit)
(False, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rela.compile import compile_spec
from rela.defaults import DEFAULT_FEC_TIMEOUT, DEFAULT_MAX_STATES
from rela.lang import ast
from rela.suggest.clauses import PRESERVE_ALL, combine
from rela.suggest.observe import Situation
from rela.verify.verifier import Named, Options, Verifier

__all__ = ["Oracle", "Chain", "chain_spec"]

Chain = tuple[ast.SpecExpr, ...]

#: Compiled chains kept at once (a search needs a few hundred).
_MAX_VERIFIERS = 4096


def chain_spec(chain: Sequence[ast.SpecExpr]) -> ast.SpecExpr:
    """``c1 else ... else .* : preserve``."""
    return combine([*chain, PRESERVE_ALL])


class Oracle:
    """Answers "does this chain hold on this situation?" (cached)."""

    def __init__(
        self,
        *,
        granularity: str = "device",
        groups: Mapping[str, str] | None = None,
        max_states: int = DEFAULT_MAX_STATES,
        fec_timeout: float = DEFAULT_FEC_TIMEOUT,
    ) -> None:
        self.options = Options(
            max_paths=1,
            max_states=max_states,
            fec_timeout=fec_timeout,
            granularity=granularity,
            groups=groups,
            counterexamples=False,
        )
        self._verifiers: dict[Chain, Verifier] = {}
        self._verdicts: dict[tuple[Chain, int], bool] = {}
        self.checks = 0

    def holds(self, chain: Chain, sit: Situation) -> bool:
        """Whether ``chain else .* : preserve`` holds on the situation's graphs.

        An FEC error (a resource limit) counts as not holding.
        """
        key = (chain, sit.id)
        verdict = self._verdicts.get(key)
        if verdict is None:
            if not chain:
                verdict = not sit.changed
            else:
                outcome = self._verifier(chain).run_fec(sit.representative())[0]
                verdict = outcome.verdict == "holds"
                self.checks += 1
            self._verdicts[key] = verdict
        return verdict

    def _verifier(self, chain: Chain) -> Verifier:
        v = self._verifiers.get(chain)
        if v is None:
            if len(self._verifiers) >= _MAX_VERIFIERS:
                self._verifiers.clear()
            check = compile_spec(chain_spec(chain))
            v = self._verifiers[chain] = Verifier([Named("chain", check)], self.options)
        return v
