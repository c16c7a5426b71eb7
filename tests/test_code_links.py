"""Code links found in real abstracts and comments (the arXiv listings in ../shared, each case
named by its arXiv id), normalised and classified, and the texts that must give none."""

from __future__ import annotations

import pytest

from dailypapers import code_links
from dailypapers.code_links import CodeLink

REAL = [
    # (arXiv id, the text as listed, the links it gives)
    ("2507.06146", "Code is available at\n\\href{https://github.com/00why00/PFCD}{here}.",
     [("https://github.com/00why00/PFCD", "code")]),
    ("2503.17966", "The code and dataset are publicly available at\n"
     "\\url{https://github.com/lwCVer/RRSHID}.", [("https://github.com/lwCVer/RRSHID", "code")]),
    ("2603.25247", "Our code is available at https://github.com/starforTJ/ FEAST.",
     [("https://github.com/starforTJ/FEAST", "code")]),
    ("2509.03494", "The source code is publicly available at https: // github. com/\n"
     "yahya-ben/ mplug2-vp-for-nriqa .", [("https://github.com/yahya-ben/mplug2-vp-for-nriqa",
                                          "code")]),
    ("2605.27387", "Our code is available at https://github.com/Oli-lab-nun/FLUID/tree/main.",
     [("https://github.com/Oli-lab-nun/FLUID", "code")]),
    ("2503.16983", "implemented using the PaddlePaddle framework at\n"
     "http://github.com/PaddlePaddle/PaddleMIX/tree/develop/ppdiffusers/example",
     [("https://github.com/PaddlePaddle/PaddleMIX", "code")]),
    ("2605.01284", "Our code is available at https://github.com/PeiYangLiu/CoE.git.",
     [("https://github.com/PeiYangLiu/CoE", "code")]),
    ("2503.21829", "Our code can be found at:\nhttp://github.com/SCAN-NRAD/e3nn\\_U-Net.",
     [("https://github.com/SCAN-NRAD/e3nn_U-Net", "code")]),
    ("2603.25977", "Code is available at: github.com/gustavochau/D-RoPE.",
     [("https://github.com/gustavochau/D-RoPE", "code")]),
    ("2605.30093", "Code and model can be found at https:/github.com/GenIntel/3D-SC.",
     [("https://github.com/GenIntel/3D-SC", "code")]),
    ("2503.18382", "Code and models are publicly available at\n"
     "PaddleOCR(https://github.com/PaddlePaddle/PaddleOCR) and\n"
     "PaddleX(https://github.com/PaddlePaddle/PaddleX).",
     [("https://github.com/PaddlePaddle/PaddleOCR", "code"),
      ("https://github.com/PaddlePaddle/PaddleX", "code")]),
    ("2505.09858", "We open-source our implementation at\nhttps://gitlab.com/nct_tso_public/surgvgen.",
     [("https://gitlab.com/nct_tso_public/surgvgen", "code")]),
    ("2604.21590", "Model checkpoints and part of the synthetic data: "
     "https://huggingface.co/collections/alibaba-pai/agenticqwen. Data synthesis and RL training "
     "code: https://github.com/haruhi-sudo/data_synth_and_rl.",
     [("https://huggingface.co/collections/alibaba-pai/agenticqwen", "model"),
      ("https://github.com/haruhi-sudo/data_synth_and_rl", "code")]),
    ("2607.08034", "Dataset: https://huggingface.co/datasets/agdhruv/plural-alignment",
     [("https://huggingface.co/datasets/agdhruv/plural-alignment", "dataset")]),
    ("2503.22357", "compliant research in medical ultrasound imaging at\n"
     "https://huggingface.co/spaces/HReynaud/EchoFlow.",
     [("https://huggingface.co/spaces/HReynaud/EchoFlow", "demo")]),
    ("2603.04162", "17 pages, 13 tables. All models and Hessians available at "
     "https://huggingface.co/Jakubrd4", [("https://huggingface.co/Jakubrd4", "model")]),
    ("2509.21893", "Project page: https://jibin86.github.io/syncphony_project_page",
     [("https://jibin86.github.io/syncphony_project_page", "project")]),
    ("2509.09680", "Project page:\nhttps://flux-reason-6m.github.io/ .",
     [("https://flux-reason-6m.github.io", "project")]),
    ("2608.04709", "Project&Demo: https://empaava.top/", [("https://empaava.top", "demo")]),
    ("2603.09968", "Our project page is at https://freemancheng.com/ReCoSplat . ",
     [("https://freemancheng.com/ReCoSplat", "project")]),
    ("2509.11344", "Published in TMLR. Review: https://openreview.net/forum?id=urWCU3YMA0", []),
]  # fmt: skip


@pytest.mark.parametrize(("arxiv_id", "text", "expected"), REAL, ids=[r[0] for r in REAL])
def test_it_finds_the_links_of_real_abstracts_and_comments(arxiv_id, text, expected):
    assert code_links.extract(text) == expected


def test_a_paper_lists_each_link_once_upstream_first_then_abstract_then_comment():
    # 2505.19457: the repository in the abstract, the project page in the comment.
    links = code_links.links_of(
        "The code and dataset are available at https://github.com/HiThink-Research/BizFinBench.",
        "Project Page: https://hithink-research.github.io/BizFinBench/ "
        "https://github.com/HiThink-Research/BizFinBench",
        github_repo="https://github.com/HiThink-Research/BizFinBench",
    )
    assert links == [
        CodeLink("https://github.com/HiThink-Research/BizFinBench", "code", "upstream"),
        CodeLink("https://hithink-research.github.io/BizFinBench", "project", "comment"),
    ]


def test_the_upstream_project_page_takes_its_kind_from_its_host():
    links = code_links.links_of(
        "", None, project_page="https://huggingface.co/spaces/owner/app/tree/main"
    )
    assert links == [CodeLink("https://huggingface.co/spaces/owner/app", "demo", "upstream")]


def test_http_is_upgraded_only_on_hosts_that_serve_https_alone():
    assert code_links.extract(
        "Code: http://github.com/a/b and demo: http://demo.example.org/x"
    ) == [
        ("https://github.com/a/b", "code"),
        ("http://demo.example.org/x", "demo"),
    ]


def test_the_best_link_of_a_kind_is_its_first():
    links = code_links.links_of("Code: https://gitlab.com/g/p and https://github.com/o/r.", None)
    assert code_links.best(links, "code") == "https://gitlab.com/g/p"
    assert code_links.best(links, "code", host="github.com") == "https://github.com/o/r"
    assert code_links.best(links, "project") is None


@pytest.mark.parametrize(
    "text",
    [
        "See the arXiv listing https://arxiv.org/abs/2401.01234 for the code.",
        "https://github.com/features and https://huggingface.co/papers/2401.01234",
        "Accepted at NeurIPS. https://neurips.cc/virtual/2025",  # no word introduces it
        "code at https://localhost/repo and https://10.0.0.1/repo",
    ],
)
def test_it_links_nothing_that_is_no_code_or_project(text):
    assert code_links.extract(text) == []


def test_it_does_not_link_a_javascript_url():
    text = "Code: javascript:alert(1) \\href{javascript:alert(document.cookie)}{here}"
    assert code_links.extract(text) == []
    assert code_links.links_of("", None, project_page="javascript:alert(1)") == []


def test_it_does_not_link_a_url_with_credentials():
    text = "Code: https://user:secret@github.com/a/b and project page https://admin@example.org/"
    assert code_links.extract(text) == []


def test_it_ends_a_url_at_markup():
    text = 'Code: https://github.com/a/b"><script>alert(1)</script> project: https://x.org/<b>'
    assert code_links.extract(text) == [
        ("https://github.com/a/b", "code"),
        ("https://x.org", "project"),
    ]


@pytest.mark.parametrize(
    "comment",
    [
        "a" * 100_000,
        "https://" + "a" * 100_000,
        "code " + "github.com/" * 10_000,
        "https://github.com/" + "a/ " * 30_000,
        "project page " + "x." * 50_000,
        ("\\url{" * 20_000) + "}" * 20_000,
    ],
    ids=["letters", "one-long-url", "repeated-hosts", "split-paths", "dots", "nested-tex"],
)
def test_it_does_not_stall_on_a_hundred_thousand_character_comment(comment):
    # Linear patterns finish these in milliseconds; a backtracking one would not finish at all.
    links = code_links.extract(comment)
    assert all(len(url) <= code_links.MAX_URL_LENGTH for url, _ in links)
