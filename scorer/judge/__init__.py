"""Judge: a ``Document`` and the chosen ``Pack``s → one ``ItemResult`` per item → the ``Scorecard``.

* ``tokenize``  – jieba with the packs' phrases as user words;
* ``substance`` – what makes a sentence concrete (figures with units, 《文件》, dates, acts);
* ``match``     – content items: signal groups + TF-IDF similarity, role-, part- and level-aware;
* ``structure`` – report-structure items (the 督察规定 parts, title, year, date, figures);
* ``evidence``  – item results and evidence, however an item was judged;
* ``scorecard`` – points, subtotals, grade, key items, waivers.

Reads rules and documents; never reads files and never renders.
"""
