"""DNA sequence analysis: a small gene database, primers, restriction enzymes and sequence tools.

Every task composes several tools (fetch, transform, measure, compare), often over a few genes with
a loop or a condition. The records (genes, primers, enzymes; all invented) are in data/dna.json,
the tasks and their references in data/dna.toml; the tests run each task's code against these
tools. Sequences are compared case-insensitively.
"""

from __future__ import annotations

from collections import Counter

from pydantic import field_validator

from codeact.bench.datafiles import Record, data_file, load_records, suite_from_file
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------


class Gene(Record):
    name: str
    organism: str
    sequence: str  # 5'->3'

    @field_validator("sequence")
    @classmethod
    def _bases(cls, seq: str) -> str:
        if set(seq) - set("ACGT"):
            raise ValueError("a sequence is written in the letters ACGT")
        return seq


class DnaData(Record):
    genes: dict[str, Gene]
    primers: dict[str, str]
    enzymes: dict[str, str]  # name -> recognition site


DATA = load_records(data_file("dna.json"), DnaData)

_BASES = "TCAG"
_AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
# the standard genetic code: codon -> one-letter amino acid, "*" for stop
CODON_TABLE: dict[str, str] = {
    a + b + c: _AMINO[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
_COMPLEMENT = str.maketrans("ACGT", "TGCA")

# --- tools -----------------------------------------------------------------------------------


def _dna(seq: str) -> str:
    seq = seq.strip().upper()
    bad = sorted(set(seq) - set("ACGT"))
    if bad:
        raise ValueError(f"not a DNA sequence: unexpected characters {bad}")
    return seq


def get_sequence(gene_id: str) -> str:
    """Return the DNA sequence (5'->3', letters ACGT) of a gene by its id, e.g. "GX-101"."""
    if gene_id not in DATA.genes:
        raise ValueError(f"unknown gene id {gene_id!r}; ids look like 'GX-101'")
    return DATA.genes[gene_id].sequence


def list_genes(organism: str = "") -> list[str]:
    """Return the ids of the genes in the database; only those of `organism` (e.g. "E. coli")
    when it is given."""
    wanted = organism.strip().lower()
    return sorted(g for g, gene in DATA.genes.items() if wanted in ("", gene.organism.lower()))


def find_gene(name: str) -> str:
    """Return the id of the gene with this name (e.g. "tolQ2")."""
    for gene_id, gene in DATA.genes.items():
        if gene.name.lower() == name.strip().lower():
            return gene_id
    raise ValueError(f"no gene named {name!r}")


def get_primer(name: str) -> str:
    """Return the DNA sequence of a primer by its name, e.g. "F1" or "R2"."""
    if name not in DATA.primers:
        raise ValueError(f"unknown primer {name!r}; primers: {', '.join(DATA.primers)}")
    return DATA.primers[name]


def get_enzyme_site(enzyme: str) -> str:
    """Return the DNA recognition site of a restriction enzyme, e.g. "EcoRI"."""
    if enzyme not in DATA.enzymes:
        raise ValueError(f"unknown enzyme {enzyme!r}; enzymes: {', '.join(DATA.enzymes)}")
    return DATA.enzymes[enzyme]


def reverse_complement(seq: str) -> str:
    """Return the reverse complement of a DNA sequence."""
    return _dna(seq)[::-1].translate(_COMPLEMENT)


def gc_content(seq: str) -> float:
    """Return the fraction of G and C bases in a DNA sequence, rounded to 4 decimals."""
    seq = _dna(seq)
    return round(sum(b in "GC" for b in seq) / len(seq), 4) if seq else 0.0


def translate(seq: str, start: int = 0) -> str:
    """Translate DNA into protein (one-letter codes, "*" for a stop codon), reading codons from
    0-based position `start` to the end of the sequence. A final partial codon is ignored; the
    translation does not stop at stop codons."""
    seq = _dna(seq)
    return "".join(CODON_TABLE[seq[i : i + 3]] for i in range(start, len(seq) - 2, 3))


def find_motif(seq: str, motif: str, max_mismatches: int = 0) -> list[int]:
    """Return the 0-based start positions (overlapping allowed) where `motif` occurs in `seq`,
    allowing up to `max_mismatches` mismatched bases."""
    seq, motif = _dna(seq), _dna(motif)
    return [
        i
        for i in range(len(seq) - len(motif) + 1)
        if sum(a != b for a, b in zip(seq[i : i + len(motif)], motif, strict=True))
        <= max_mismatches
    ]


def hamming_distance(a: str, b: str) -> int:
    """Return the number of positions where two DNA sequences of equal length differ."""
    a, b = _dna(a), _dna(b)
    if len(a) != len(b):
        raise ValueError(f"sequences differ in length ({len(a)} and {len(b)})")
    return sum(x != y for x, y in zip(a, b, strict=True))


def mismatch_positions(a: str, b: str) -> list[int]:
    """Return the 0-based positions where two DNA sequences of equal length differ."""
    a, b = _dna(a), _dna(b)
    if len(a) != len(b):
        raise ValueError(f"sequences differ in length ({len(a)} and {len(b)})")
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def count_kmers(seq: str, k: int) -> dict[str, int]:
    """Return how many times each substring of length k (k-mer, overlapping) occurs in `seq`,
    as {kmer: count} in alphabetical order."""
    seq = _dna(seq)
    counts = Counter(seq[i : i + k] for i in range(len(seq) - k + 1))
    return dict(sorted(counts.items()))


def melting_temp(seq: str) -> int:
    """Return the melting temperature of a short primer in degrees C, by the Wallace rule:
    2 * (number of A and T) + 4 * (number of G and C)."""
    seq = _dna(seq)
    return 2 * sum(b in "AT" for b in seq) + 4 * sum(b in "GC" for b in seq)


def make_tools() -> list[Tool]:
    """Fresh tool instances (the tools are stateless; the database is read-only)."""
    functions = (
        get_sequence, list_genes, find_gene, get_primer, get_enzyme_site, reverse_complement,
        gc_content, translate, find_motif, hamming_distance, mismatch_positions, count_kmers,
        melting_temp,
    )  # fmt: skip
    return [FunctionTool(f) for f in functions]


# --- tasks: data/dna.toml --------------------------------------------------------------------

__getattr__ = suite_from_file("dna.toml", make_tools)
