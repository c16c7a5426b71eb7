"""The arXiv category taxonomy: every category id with its name, archive and group.

Data from https://arxiv.org/category_taxonomy (no well-kept PyPI package ships it). Ids are
looked up case-insensitively; an id arXiv does not list (an old or new one papers carry) is
still a category, named by its id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An arXiv category id: an archive ("cs", "hep-th", "q-bio") and, optionally, a subject class
# ("CL", "mes-hall"). Longer than any real one (the longest is 17 characters).
MAX_ID_LENGTH = 40
_ID = re.compile(r"^[a-z][a-z-]{0,19}(\.[a-z][a-z-]{0,19})?$", re.IGNORECASE)


class InvalidCategory(ValueError):
    """Text no arXiv category id can be; the message says what one looks like."""


@dataclass(frozen=True)
class Category:
    id: str  # arXiv's spelling, e.g. "cs.CL"
    name: str  # e.g. "Computation and Language"; the id for ids arXiv does not list
    archive: str  # e.g. "cs"
    archive_name: str  # e.g. "Computer Science"
    known: bool = True


# {archive: (archive name, {subject class: name})}; an archive without subject classes
# ("hep-th") is itself the category.
_TAXONOMY: dict[str, tuple[str, dict[str, str]]] = {
    "cs": (
        "Computer Science",
        {
            "AI": "Artificial Intelligence",
            "AR": "Hardware Architecture",
            "CC": "Computational Complexity",
            "CE": "Computational Engineering, Finance, and Science",
            "CG": "Computational Geometry",
            "CL": "Computation and Language",
            "CR": "Cryptography and Security",
            "CV": "Computer Vision and Pattern Recognition",
            "CY": "Computers and Society",
            "DB": "Databases",
            "DC": "Distributed, Parallel, and Cluster Computing",
            "DL": "Digital Libraries",
            "DM": "Discrete Mathematics",
            "DS": "Data Structures and Algorithms",
            "ET": "Emerging Technologies",
            "FL": "Formal Languages and Automata Theory",
            "GL": "General Literature",
            "GR": "Graphics",
            "GT": "Computer Science and Game Theory",
            "HC": "Human-Computer Interaction",
            "IR": "Information Retrieval",
            "IT": "Information Theory",
            "LG": "Machine Learning",
            "LO": "Logic in Computer Science",
            "MA": "Multiagent Systems",
            "MM": "Multimedia",
            "MS": "Mathematical Software",
            "NA": "Numerical Analysis",
            "NE": "Neural and Evolutionary Computing",
            "NI": "Networking and Internet Architecture",
            "OH": "Other Computer Science",
            "OS": "Operating Systems",
            "PF": "Performance",
            "PL": "Programming Languages",
            "RO": "Robotics",
            "SC": "Symbolic Computation",
            "SD": "Sound",
            "SE": "Software Engineering",
            "SI": "Social and Information Networks",
            "SY": "Systems and Control",
        },
    ),
    "econ": (
        "Economics",
        {"EM": "Econometrics", "GN": "General Economics", "TH": "Theoretical Economics"},
    ),
    "eess": (
        "Electrical Engineering and Systems Science",
        {
            "AS": "Audio and Speech Processing",
            "IV": "Image and Video Processing",
            "SP": "Signal Processing",
            "SY": "Systems and Control",
        },
    ),
    "math": (
        "Mathematics",
        {
            "AC": "Commutative Algebra",
            "AG": "Algebraic Geometry",
            "AP": "Analysis of PDEs",
            "AT": "Algebraic Topology",
            "CA": "Classical Analysis and ODEs",
            "CO": "Combinatorics",
            "CT": "Category Theory",
            "CV": "Complex Variables",
            "DG": "Differential Geometry",
            "DS": "Dynamical Systems",
            "FA": "Functional Analysis",
            "GM": "General Mathematics",
            "GN": "General Topology",
            "GR": "Group Theory",
            "GT": "Geometric Topology",
            "HO": "History and Overview",
            "IT": "Information Theory",
            "KT": "K-Theory and Homology",
            "LO": "Logic",
            "MG": "Metric Geometry",
            "MP": "Mathematical Physics",
            "NA": "Numerical Analysis",
            "NT": "Number Theory",
            "OA": "Operator Algebras",
            "OC": "Optimization and Control",
            "PR": "Probability",
            "QA": "Quantum Algebra",
            "RA": "Rings and Algebras",
            "RT": "Representation Theory",
            "SG": "Symplectic Geometry",
            "SP": "Spectral Theory",
            "ST": "Statistics Theory",
        },
    ),
    "astro-ph": (
        "Astrophysics",
        {
            "CO": "Cosmology and Nongalactic Astrophysics",
            "EP": "Earth and Planetary Astrophysics",
            "GA": "Astrophysics of Galaxies",
            "HE": "High Energy Astrophysical Phenomena",
            "IM": "Instrumentation and Methods for Astrophysics",
            "SR": "Solar and Stellar Astrophysics",
        },
    ),
    "cond-mat": (
        "Condensed Matter",
        {
            "dis-nn": "Disordered Systems and Neural Networks",
            "mes-hall": "Mesoscale and Nanoscale Physics",
            "mtrl-sci": "Materials Science",
            "other": "Other Condensed Matter",
            "quant-gas": "Quantum Gases",
            "soft": "Soft Condensed Matter",
            "stat-mech": "Statistical Mechanics",
            "str-el": "Strongly Correlated Electrons",
            "supr-con": "Superconductivity",
        },
    ),
    "gr-qc": ("General Relativity and Quantum Cosmology", {}),
    "hep-ex": ("High Energy Physics - Experiment", {}),
    "hep-lat": ("High Energy Physics - Lattice", {}),
    "hep-ph": ("High Energy Physics - Phenomenology", {}),
    "hep-th": ("High Energy Physics - Theory", {}),
    "math-ph": ("Mathematical Physics", {}),
    "nlin": (
        "Nonlinear Sciences",
        {
            "AO": "Adaptation and Self-Organizing Systems",
            "CD": "Chaotic Dynamics",
            "CG": "Cellular Automata and Lattice Gases",
            "PS": "Pattern Formation and Solitons",
            "SI": "Exactly Solvable and Integrable Systems",
        },
    ),
    "nucl-ex": ("Nuclear Experiment", {}),
    "nucl-th": ("Nuclear Theory", {}),
    "physics": (
        "Physics",
        {
            "acc-ph": "Accelerator Physics",
            "ao-ph": "Atmospheric and Oceanic Physics",
            "app-ph": "Applied Physics",
            "atm-clus": "Atomic and Molecular Clusters",
            "atom-ph": "Atomic Physics",
            "bio-ph": "Biological Physics",
            "chem-ph": "Chemical Physics",
            "class-ph": "Classical Physics",
            "comp-ph": "Computational Physics",
            "data-an": "Data Analysis, Statistics and Probability",
            "ed-ph": "Physics Education",
            "flu-dyn": "Fluid Dynamics",
            "gen-ph": "General Physics",
            "geo-ph": "Geophysics",
            "hist-ph": "History and Philosophy of Physics",
            "ins-det": "Instrumentation and Detectors",
            "med-ph": "Medical Physics",
            "optics": "Optics",
            "plasm-ph": "Plasma Physics",
            "pop-ph": "Popular Physics",
            "soc-ph": "Physics and Society",
            "space-ph": "Space Physics",
        },
    ),
    "quant-ph": ("Quantum Physics", {}),
    "q-bio": (
        "Quantitative Biology",
        {
            "BM": "Biomolecules",
            "CB": "Cell Behavior",
            "GN": "Genomics",
            "MN": "Molecular Networks",
            "NC": "Neurons and Cognition",
            "OT": "Other Quantitative Biology",
            "PE": "Populations and Evolution",
            "QM": "Quantitative Methods",
            "SC": "Subcellular Processes",
            "TO": "Tissues and Organs",
        },
    ),
    "q-fin": (
        "Quantitative Finance",
        {
            "CP": "Computational Finance",
            "EC": "Economics",
            "GN": "General Finance",
            "MF": "Mathematical Finance",
            "PM": "Portfolio Management",
            "PR": "Pricing of Securities",
            "RM": "Risk Management",
            "ST": "Statistical Finance",
            "TR": "Trading and Market Microstructure",
        },
    ),
    "stat": (
        "Statistics",
        {
            "AP": "Applications",
            "CO": "Computation",
            "ME": "Methodology",
            "ML": "Machine Learning",
            "OT": "Other Statistics",
            "TH": "Statistics Theory",
        },
    ),
}


def _table() -> dict[str, Category]:
    table = {}
    for archive, (archive_name, classes) in _TAXONOMY.items():
        if not classes:
            table[archive] = Category(archive, archive_name, archive, archive_name)
        for subject, name in classes.items():
            category_id = f"{archive}.{subject}"
            table[category_id.lower()] = Category(category_id, name, archive, archive_name)
    return table


CATEGORIES: dict[str, Category] = _table()  # by lower-cased id


def checked_id(text: str) -> str:
    """``text`` as a category id (stripped), or InvalidCategory saying why it cannot be one."""
    text = text.strip()
    if len(text) > MAX_ID_LENGTH or not _ID.fullmatch(text):
        raise InvalidCategory(
            "a category id is an arXiv archive and subject class, letters and hyphens, "
            f"at most {MAX_ID_LENGTH} characters, e.g. cs.CL or hep-th"
        )
    return text


def lookup(text: str) -> Category:
    """The category ``text`` names, any case; an id arXiv does not list is named by itself.
    Raises InvalidCategory for text no id can be."""
    category_id = checked_id(text)
    known = CATEGORIES.get(category_id.lower())
    if known is not None:
        return known
    archive = category_id.split(".")[0]
    archive_name = _TAXONOMY.get(archive.lower(), (archive,))[0]
    return Category(category_id, category_id, archive, archive_name, known=False)
