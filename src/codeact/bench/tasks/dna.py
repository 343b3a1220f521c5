"""DNA sequence analysis: a small gene database, primers, restriction enzymes and sequence tools.

Every task composes several tools (fetch, transform, measure, compare), often over a few genes with
a loop or a condition. The ground truth is computed below by calling the tool functions themselves.
Sequences are compared case-insensitively.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from codeact.bench.suite import Call, Check, Suite, Task, planned_task
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------

# gene id -> (name, organism, sequence 5'->3'); all invented
GENES: dict[str, tuple[str, str, str]] = {
    "GX-101": ("tolQ2", "E. coli", "ATGCCGGGGTACCGTGAATTCAGTTTGTCTGCGTAA"),
    "GX-102": ("rsfB", "E. coli", "GCGCGGAAGCGAGGCGAGCGCGACGGCGCCGGGCTA"),
    "GX-103": ("dapK", "E. coli", "GTTGGCCCAGTGTGAATCGCTTAAGGGTTAAGTAAGTGTG"),
    "GX-110": ("pgl4", "E. coli", "CTGATTGAATTCTACCCACTCTAAGCTTGCCAAACT"),
    "GX-104": ("mrx1", "S. cerevisiae", "ATGCATACGCCTTTTATAAAACTTGCGGATCCTGTGTATATCCACC"),
    "GX-105": ("hsp9", "S. cerevisiae", "ATGCTCAGCCTCTTTATAGATAATTGATGCCTGCCCTAGGC"),
    "GX-106": ("cdc77", "S. cerevisiae", "ACTGGCATTTTTATTACACTCAGAAACAGAACTCGG"),
    "GX-107": ("krt30", "H. sapiens", "AAGAAGGTAATTTTGACAGGAAGTTTCACGCAGAGGC"),
    "GX-108": ("myo3L", "H. sapiens", "ATGCCAGGGTACCGAGAATTCTGTTTGTCAGCGTAG"),
    "GX-109": ("tbx20b", "H. sapiens", "GCGCCCTCCTGAAGTGCGTGGACACTCGCTATGAATCT"),
    "GX-111": ("orf-frame", "synthetic", "CCATGTTCCTGCTTCCCATGCTAGTGAATGAGCTGACC"),
    "GX-112": ("orf-late", "synthetic", "CCTACATGCGCGATTATTTGGGCGTACACGGTTAGTTCCAT"),
    "GX-113": ("tolQ2-m1", "synthetic", "ATGCCAGGGTACCGTGAATTCAGTTTGTCTGCGTAA"),
    "GX-114": ("tolQ2-m2", "synthetic", "ATGCCGGAGTACCGTGAATTCAGTTTGTCTGCGTAA"),
}

PRIMERS: dict[str, str] = {
    "F1": "CTTTTAAAAAACTTGCGG",
    "F2": "GCGCGGAAGCGAGGCGAG",
    "R1": "CACTTACTTAACCCTTAA",
    "R2": "ATGAATCTTAGCATAGCG",
    "F3": "TGCCTGCCCTAGGCATTA",
}

ENZYMES: dict[str, str] = {
    "EcoRI": "GAATTC",
    "BamHI": "GGATCC",
    "HindIII": "AAGCTT",
    "NotI": "GCGGCCGC",
    "EcoRV": "GATATC",
    "SmaI": "CCCGGG",
    "BsaI": "GGTCTC",
    "AcuI": "CTGAAG",
}

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
    if gene_id not in GENES:
        raise ValueError(f"unknown gene id {gene_id!r}; ids look like 'GX-101'")
    return GENES[gene_id][2]


def list_genes(organism: str = "") -> list[str]:
    """Return the ids of the genes in the database; only those of `organism` (e.g. "E. coli")
    when it is given."""
    wanted = organism.strip().lower()
    return sorted(g for g, (_, org, _) in GENES.items() if not wanted or org.lower() == wanted)


def find_gene(name: str) -> str:
    """Return the id of the gene with this name (e.g. "tolQ2")."""
    for gene_id, (gene_name, _, _) in GENES.items():
        if gene_name.lower() == name.strip().lower():
            return gene_id
    raise ValueError(f"no gene named {name!r}")


def get_primer(name: str) -> str:
    """Return the DNA sequence of a primer by its name, e.g. "F1" or "R2"."""
    if name not in PRIMERS:
        raise ValueError(f"unknown primer {name!r}; primers: {', '.join(PRIMERS)}")
    return PRIMERS[name]


def get_enzyme_site(enzyme: str) -> str:
    """Return the DNA recognition site of a restriction enzyme, e.g. "EcoRI"."""
    if enzyme not in ENZYMES:
        raise ValueError(f"unknown enzyme {enzyme!r}; enzymes: {', '.join(ENZYMES)}")
    return ENZYMES[enzyme]


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


_FUNCTIONS: list[Callable[..., Any]] = [
    get_sequence,
    list_genes,
    find_gene,
    get_primer,
    get_enzyme_site,
    reverse_complement,
    gc_content,
    translate,
    find_motif,
    hamming_distance,
    mismatch_positions,
    count_kmers,
    melting_temp,
]


def make_tools() -> list[Tool]:
    """Fresh tool instances (the tools are stateless; the database is read-only)."""
    return [FunctionTool(f) for f in _FUNCTIONS]


# --- tasks -----------------------------------------------------------------------------------

_TOOLS = make_tools()


def _task(
    n: int, prompt: str, calls: Sequence[Call], code: str, answer: Any, check: Check | None = None
) -> Task:
    return planned_task(
        "dna", f"{n:02d}", prompt, calls, code, answer, make_tools, tools=_TOOLS, check=check
    )


def _get(gene_id: str) -> Call:
    return Call("get_sequence", {"gene_id": gene_id})


def _seq_call(name: str, seq: str, **more: Any) -> Call:
    return Call(name, {"seq": seq, **more})


def _before_stop(protein: str) -> str:
    return protein.split("*")[0]


def _build() -> list[Task]:
    tasks: list[Task] = []
    seq = get_sequence
    unordered = Check(unordered=True)

    # 1: the highest GC content of four genes
    ids = ["GX-101", "GX-102", "GX-103", "GX-104"]
    gc = {g: gc_content(seq(g)) for g in ids}
    tasks.append(
        _task(
            1,
            "Which of the genes GX-101, GX-102, GX-103 and GX-104 has the highest GC content? "
            "Answer with its gene id, e.g. GX-100.",
            [_get(g) for g in ids] + [_seq_call("gc_content", seq(g)) for g in ids],
            """
ids = ["GX-101", "GX-102", "GX-103", "GX-104"]
gc = {g: gc_content(get_sequence(g)) for g in ids}
print(max(gc, key=gc.get))
""",
            _argmax(gc),
        )
    )

    # 2: protein up to the first stop codon
    tasks.append(
        _task(
            2,
            "Translate gene GX-105 from its first base and return the protein sequence up to, "
            "but not including, the first stop codon, as one-letter amino acid codes (e.g. MKV).",
            [_get("GX-105"), _seq_call("translate", seq("GX-105"))],
            """
protein = translate(get_sequence("GX-105"))
print(protein.split("*")[0])
""",
            _before_stop(translate(seq("GX-105"))),
        )
    )

    # 3: a motif on the reverse strand
    rc103 = reverse_complement(seq("GX-103"))
    tasks.append(
        _task(
            3,
            "How many times (overlapping occurrences count) does the motif GAT occur in the "
            "reverse complement of gene GX-103? Answer with a number.",
            [
                _get("GX-103"),
                _seq_call("reverse_complement", seq("GX-103")),
                Call("find_motif", {"seq": rc103, "motif": "GAT"}),
            ],
            """
rc = reverse_complement(get_sequence("GX-103"))
print(len(find_motif(rc, "GAT")))
""",
            len(find_motif(rc103, "GAT")),
        )
    )

    # 4: GC content of every gene of an organism
    human = list_genes("H. sapiens")
    tasks.append(
        _task(
            4,
            "For every H. sapiens gene in the database, compute its GC content. Return a dict "
            'mapping gene id to GC content as a fraction with 4 decimals, e.g. {"GX-100": 0.5123}.',
            [Call("list_genes", {"organism": "H. sapiens"})]
            + [_get(g) for g in human]
            + [_seq_call("gc_content", seq(g)) for g in human],
            """
print({g: gc_content(get_sequence(g)) for g in list_genes("H. sapiens")})
""",
            {g: gc_content(seq(g)) for g in human},
            Check(decimals=4),
        )
    )

    # 5: Hamming distance of two genes
    tasks.append(
        _task(
            5,
            "What is the Hamming distance between the sequences of genes GX-101 and GX-108? "
            "Answer with a number.",
            [
                _get("GX-101"),
                _get("GX-108"),
                Call("hamming_distance", {"a": seq("GX-101"), "b": seq("GX-108")}),
            ],
            """
print(hamming_distance(get_sequence("GX-101"), get_sequence("GX-108")))
""",
            hamming_distance(seq("GX-101"), seq("GX-108")),
        )
    )

    # 6: the closest of three genes to a reference gene
    others = ["GX-102", "GX-106", "GX-110"]
    dist = {g: hamming_distance(seq("GX-101"), seq(g)) for g in others}
    tasks.append(
        _task(
            6,
            "Which of the genes GX-102, GX-106 and GX-110 is closest to gene GX-101, i.e. has the "
            "smallest Hamming distance to it? Answer with its gene id.",
            [_get("GX-101")]
            + [_get(g) for g in others]
            + [Call("hamming_distance", {"a": seq("GX-101"), "b": seq(g)}) for g in others],
            """
ref = get_sequence("GX-101")
dist = {g: hamming_distance(ref, get_sequence(g)) for g in ["GX-102", "GX-106", "GX-110"]}
print(min(dist, key=dist.get))
""",
            _argmax({g: -d for g, d in dist.items()}),
        )
    )

    # 7: where a restriction enzyme cuts
    tasks.append(
        _task(
            7,
            "At which 0-based positions does the recognition site of the restriction enzyme "
            "HindIII start in gene GX-110? Return a list of integers in increasing order.",
            [
                Call("get_enzyme_site", {"enzyme": "HindIII"}),
                _get("GX-110"),
                Call("find_motif", {"seq": seq("GX-110"), "motif": get_enzyme_site("HindIII")}),
            ],
            """
print(find_motif(get_sequence("GX-110"), get_enzyme_site("HindIII")))
""",
            find_motif(seq("GX-110"), get_enzyme_site("HindIII")),
        )
    )

    # 8: which enzymes cut a gene
    enzymes = ["EcoRI", "BamHI", "HindIII"]
    tasks.append(
        _task(
            8,
            "Which of the restriction enzymes EcoRI, BamHI and HindIII have their recognition "
            "site in gene GX-110? Return a list of enzyme names in that order, e.g. "
            '["EcoRI", "HindIII"].',
            [_get("GX-110")]
            + [Call("get_enzyme_site", {"enzyme": e}) for e in enzymes]
            + [
                Call("find_motif", {"seq": seq("GX-110"), "motif": get_enzyme_site(e)})
                for e in enzymes
            ],
            """
s = get_sequence("GX-110")
print([e for e in ["EcoRI", "BamHI", "HindIII"] if find_motif(s, get_enzyme_site(e))])
""",
            [e for e in enzymes if find_motif(seq("GX-110"), get_enzyme_site(e))],
        )
    )

    # 9: the most frequent 3-mer
    kmers = count_kmers(seq("GX-107"), 3)
    top = min(kmers, key=lambda km: (-kmers[km], km))
    tasks.append(
        _task(
            9,
            "Find the most frequent 3-mer (overlapping substrings of length 3) in gene GX-107; "
            "if several tie, take the alphabetically first. Return a dict "
            '{"kmer": KMER, "count": COUNT}.',
            [_get("GX-107"), _seq_call("count_kmers", seq("GX-107"), k=3)],
            """
counts = count_kmers(get_sequence("GX-107"), 3)
best = min(counts, key=lambda km: (-counts[km], km))
print({"kmer": best, "count": counts[best]})
""",
            {"kmer": top, "count": kmers[top]},
        )
    )

    # 10: the open reading frame
    s111 = seq("GX-111")
    open_frames = [f for f in range(3) if "*" not in translate(s111, f)]
    tasks.append(
        _task(
            10,
            "Gene GX-111 can be read in three forward frames, starting the translation at "
            "position 0, 1 or 2. Exactly one frame has no stop codon. Return that frame's start "
            "position (0, 1 or 2).",
            [_get("GX-111")] + [_seq_call("translate", s111, start=f) for f in range(3)],
            """
s = get_sequence("GX-111")
for frame in range(3):
    if "*" not in translate(s, frame):
        print(frame)
""",
            _only(open_frames),
        )
    )

    # 11: translate from the first start codon
    s112 = seq("GX-112")
    first_atg = find_motif(s112, "ATG")[0]
    tasks.append(
        _task(
            11,
            "In gene GX-112, find the first ATG start codon, translate from it, and return the "
            "protein up to, but not including, the first stop codon (one-letter codes, starting "
            "with M).",
            [
                _get("GX-112"),
                Call("find_motif", {"seq": s112, "motif": "ATG"}),
                _seq_call("translate", s112, start=first_atg),
            ],
            """
s = get_sequence("GX-112")
start = find_motif(s, "ATG")[0]
print(translate(s, start).split("*")[0])
""",
            _before_stop(translate(s112, first_atg)),
        )
    )

    # 12: primers within a melting temperature range
    names = ["F1", "F2", "R1", "R2"]
    tasks.append(
        _task(
            12,
            "Which of the primers F1, F2, R1 and R2 have a melting temperature between 45 and 55 "
            "degrees C inclusive? Return a list of primer names in that order.",
            [Call("get_primer", {"name": p}) for p in names]
            + [_seq_call("melting_temp", get_primer(p)) for p in names],
            """
print([p for p in ["F1", "F2", "R1", "R2"] if 45 <= melting_temp(get_primer(p)) <= 55])
""",
            [p for p in names if 45 <= melting_temp(get_primer(p)) <= 55],
        )
    )

    # 13: where a reverse primer binds
    rc_r1 = reverse_complement(get_primer("R1"))
    hits = find_motif(seq("GX-103"), rc_r1)
    tasks.append(
        _task(
            13,
            "Does the reverse complement of primer R1 occur in gene GX-103? Return the 0-based "
            "position of its first occurrence, or -1 if it does not occur.",
            [
                Call("get_primer", {"name": "R1"}),
                _seq_call("reverse_complement", get_primer("R1")),
                _get("GX-103"),
                Call("find_motif", {"seq": seq("GX-103"), "motif": rc_r1}),
            ],
            """
hits = find_motif(get_sequence("GX-103"), reverse_complement(get_primer("R1")))
print(hits[0] if hits else -1)
""",
            hits[0] if hits else -1,
        )
    )

    # 14: the yeast gene with the most TATA boxes
    yeast = list_genes("S. cerevisiae")
    tata = {g: len(find_motif(seq(g), "TATA")) for g in yeast}
    tasks.append(
        _task(
            14,
            "Among the S. cerevisiae genes in the database, which has the most occurrences "
            "(overlapping) of the motif TATA? Answer with its gene id.",
            [Call("list_genes", {"organism": "S. cerevisiae"})]
            + [_get(g) for g in yeast]
            + [Call("find_motif", {"seq": seq(g), "motif": "TATA"}) for g in yeast],
            """
counts = {g: len(find_motif(get_sequence(g), "TATA")) for g in list_genes("S. cerevisiae")}
print(max(counts, key=counts.get))
""",
            _argmax(tata),
        )
    )

    # 15: GC skew from base counts
    bases = count_kmers(seq("GX-105"), 1)
    skew = round((bases["G"] - bases["C"]) / (bases["G"] + bases["C"]), 4)
    tasks.append(
        _task(
            15,
            "Compute the GC skew (G - C) / (G + C) of gene GX-105, where G and C are the "
            "numbers of G and C bases. Return it rounded to 4 decimals.",
            [_get("GX-105"), _seq_call("count_kmers", seq("GX-105"), k=1)],
            """
n = count_kmers(get_sequence("GX-105"), 1)
print(round((n["G"] - n["C"]) / (n["G"] + n["C"]), 4))
""",
            skew,
            Check(decimals=4),
        )
    )

    # 16: the silent mutation
    mutants = ["GX-113", "GX-114"]
    wild = translate(seq("GX-101"))
    silent = [m for m in mutants if translate(seq(m)) == wild]
    tasks.append(
        _task(
            16,
            "Genes GX-113 and GX-114 are point mutants of gene GX-101. Which one carries a "
            "silent mutation, i.e. its translation (from position 0) is the same protein as "
            "GX-101's? Answer with its gene id.",
            [_get(g) for g in ["GX-101", *mutants]]
            + [_seq_call("translate", seq(g)) for g in ["GX-101", *mutants]],
            """
wild = translate(get_sequence("GX-101"))
for m in ["GX-113", "GX-114"]:
    if translate(get_sequence(m)) == wild:
        print(m)
""",
            _only(silent),
        )
    )

    # 17: a filter on length and GC content
    long_ids = [g for g in ids if len(seq(g)) > 37]
    tasks.append(
        _task(
            17,
            "Among genes GX-101, GX-102, GX-103 and GX-104, which are longer than 37 bases and "
            "have a GC content above 0.4? Return a list of gene ids in that order.",
            [_get(g) for g in ids] + [_seq_call("gc_content", seq(g)) for g in long_ids],
            """
found = []
for g in ["GX-101", "GX-102", "GX-103", "GX-104"]:
    s = get_sequence(g)
    if len(s) > 37 and gc_content(s) > 0.4:
        found.append(g)
print(found)
""",
            [g for g in long_ids if gc_content(seq(g)) > 0.4],
        )
    )

    # 18: stop codons on the reverse strand
    rc104 = reverse_complement(seq("GX-104"))
    tasks.append(
        _task(
            18,
            "Translate the reverse complement of gene GX-104 from its first base (frame 0, the "
            "whole sequence). How many stop codons does the translation contain? Answer with a "
            "number.",
            [
                _get("GX-104"),
                _seq_call("reverse_complement", seq("GX-104")),
                _seq_call("translate", rc104),
            ],
            """
print(translate(reverse_complement(get_sequence("GX-104"))).count("*"))
""",
            translate(rc104).count("*"),
        )
    )

    # 19: distinct 4-mers
    tasks.append(
        _task(
            19,
            "How many distinct 4-mers (substrings of length 4) does gene GX-108 contain? Answer "
            "with a number.",
            [_get("GX-108"), _seq_call("count_kmers", seq("GX-108"), k=4)],
            """
print(len(count_kmers(get_sequence("GX-108"), 4)))
""",
            len(count_kmers(seq("GX-108"), 4)),
        )
    )

    # 20: the longest protein before a stop
    lengths = {g: len(_before_stop(translate(seq(g)))) for g in human}
    tasks.append(
        _task(
            20,
            "Translate each H. sapiens gene in the database from position 0. Which gene gives the "
            "longest protein before its first stop codon (the whole translation if it has none)? "
            "Answer with its gene id.",
            [Call("list_genes", {"organism": "H. sapiens"})]
            + [_get(g) for g in human]
            + [_seq_call("translate", seq(g)) for g in human],
            """
lengths = {g: len(translate(get_sequence(g)).split("*")[0]) for g in list_genes("H. sapiens")}
print(max(lengths, key=lengths.get))
""",
            _argmax(lengths),
        )
    )

    # 21: palindromic recognition sites
    candidates = ["EcoRI", "BsaI", "HindIII", "AcuI"]
    tasks.append(
        _task(
            21,
            "A recognition site is palindromic when it equals its own reverse complement. Which "
            "of the enzymes EcoRI, BsaI, HindIII and AcuI have a palindromic site? Return a list "
            "of enzyme names in that order.",
            [Call("get_enzyme_site", {"enzyme": e}) for e in candidates]
            + [_seq_call("reverse_complement", get_enzyme_site(e)) for e in candidates],
            """
found = []
for e in ["EcoRI", "BsaI", "HindIII", "AcuI"]:
    site = get_enzyme_site(e)
    if reverse_complement(site) == site:
        found.append(e)
print(found)
""",
            [e for e in candidates if reverse_complement(get_enzyme_site(e)) == get_enzyme_site(e)],
        )
    )

    # 22: approximate primer binding
    tasks.append(
        _task(
            22,
            "Primer F1 may bind gene GX-104 with mismatches. At which 0-based positions of "
            "GX-104 does F1 match with at most 1 mismatched base? Return a list of integers in "
            "increasing order (empty if none).",
            [
                Call("get_primer", {"name": "F1"}),
                _get("GX-104"),
                Call(
                    "find_motif",
                    {"seq": seq("GX-104"), "motif": get_primer("F1"), "max_mismatches": 1},
                ),
            ],
            """
print(find_motif(get_sequence("GX-104"), get_primer("F1"), max_mismatches=1))
""",
            find_motif(seq("GX-104"), get_primer("F1"), 1),
        )
    )

    # 23: restriction sites over an organism
    bam = get_enzyme_site("BamHI")
    tasks.append(
        _task(
            23,
            "How many BamHI recognition sites are there in total over all S. cerevisiae genes "
            "in the database? Answer with a number.",
            [
                Call("list_genes", {"organism": "S. cerevisiae"}),
                Call("get_enzyme_site", {"enzyme": "BamHI"}),
            ]
            + [_get(g) for g in yeast]
            + [Call("find_motif", {"seq": seq(g), "motif": bam}) for g in yeast],
            """
site = get_enzyme_site("BamHI")
print(sum(len(find_motif(get_sequence(g), site)) for g in list_genes("S. cerevisiae")))
""",
            sum(len(find_motif(seq(g), bam)) for g in yeast),
        )
    )

    # 24: the protein of the reverse strand
    rc109 = reverse_complement(seq("GX-109"))
    tasks.append(
        _task(
            24,
            "Translate the reverse complement of gene GX-109 from its first base, over the whole "
            'sequence, and return the protein as one-letter codes with "*" for each stop codon.',
            [
                _get("GX-109"),
                _seq_call("reverse_complement", seq("GX-109")),
                _seq_call("translate", rc109),
            ],
            """
print(translate(reverse_complement(get_sequence("GX-109"))))
""",
            translate(rc109),
        )
    )

    # 25: where a mutant differs, by base and by codon
    diff = mismatch_positions(seq("GX-101"), seq("GX-114"))
    tasks.append(
        _task(
            25,
            "Gene GX-114 is a mutant of gene GX-101. Return a dict with the 0-based positions "
            'where their sequences differ under "positions" and the 0-based indexes of the '
            'codons (reading from position 0) that contain them under "codons", e.g. '
            '{"positions": [4], "codons": [1]}.',
            [
                _get("GX-101"),
                _get("GX-114"),
                Call("mismatch_positions", {"a": seq("GX-101"), "b": seq("GX-114")}),
            ],
            """
pos = mismatch_positions(get_sequence("GX-101"), get_sequence("GX-114"))
print({"positions": pos, "codons": sorted({p // 3 for p in pos})})
""",
            {"positions": diff, "codons": sorted({p // 3 for p in diff})},
        )
    )

    # 26: a gene found by name
    hsp = find_gene("hsp9")
    tasks.append(
        _task(
            26,
            'Find the gene named hsp9. Return a dict with its length in bases under "length" '
            'and the number of ATG occurrences in its sequence under "atg".',
            [
                Call("find_gene", {"name": "hsp9"}),
                _get(hsp),
                Call("find_motif", {"seq": seq(hsp), "motif": "ATG"}),
            ],
            """
s = get_sequence(find_gene("hsp9"))
print({"length": len(s), "atg": len(find_motif(s, "ATG"))})
""",
            {"length": len(seq(hsp)), "atg": len(find_motif(seq(hsp), "ATG"))},
        )
    )

    # 27: GC-rich genes of an organism, an unordered set
    tasks.append(
        _task(
            27,
            "Which S. cerevisiae genes in the database have a GC content of at least 0.4? Return "
            "a list of gene ids (any order).",
            [Call("list_genes", {"organism": "S. cerevisiae"})]
            + [_get(g) for g in yeast]
            + [_seq_call("gc_content", seq(g)) for g in yeast],
            """
print([g for g in list_genes("S. cerevisiae") if gc_content(get_sequence(g)) >= 0.4])
""",
            [g for g in yeast if gc_content(seq(g)) >= 0.4],
            unordered,
        )
    )
    return tasks


def _only(values: list[Any]) -> Any:
    """The single value of a list the task says has exactly one; the data guarantees it."""
    if len(values) != 1:
        raise AssertionError(f"expected exactly one answer, got {values}")
    return values[0]


def _argmax(scores: Mapping[str, float]) -> str:
    """The key with the highest score; the data guarantees there is no tie."""
    best = max(scores.values())
    return str(_only([k for k, v in scores.items() if v == best]))


SUITE = Suite(
    name="dna",
    description="DNA sequence analysis over a small gene database: fetch, transform, compare.",
    tasks=_build(),
)
