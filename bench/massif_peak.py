#!/usr/bin/env python3
"""Heap at massif's peak snapshot, grouped by the sitrep pipeline stage that allocated it.

Usage: python3 bench/massif_peak.py massif.out
"""
import re,sys
lines=open(sys.argv[1]).read().split('\n')
peak=[i for i,l in enumerate(lines) if l.startswith('heap_tree=peak')][0]
node_re=re.compile(r'^( *)n(\d+): (\d+) (.*)$')
RULES=[('page_jobs: per-page tera Contexts built up front','sitrep::render::page_jobs'),
       ('render_page: rendered pages (Vec<Output>) / contexts','render_page'),
       ('feeds::render','sitrep::feeds::'),
       ('render::render: issue_content HTML and outputs','sitrep::render::render'),
       ('content: parsed issues (Issue, rendered Markdown)','sitrep::content::'),
       ('Site::new indexes','sitrep::site::Site::new'),
       ('output::write','sitrep::output::'),
       ('theme/templates','sitrep::theme::'),
       ('templates','Templates::compile')]
agg={}
def classify(path):
    text='\n'.join(path)
    for name,key in RULES:
        if key in text: return name
    return 'other: '+path[-1].split(': ',1)[-1][:90]
def walk(idx,path):
    m=node_re.match(lines[idx]); nchild=int(m.group(2)); b=int(m.group(3)); desc=m.group(4); idx+=1
    s=0
    for _ in range(nchild):
        idx,cb=walk(idx,path+[desc]); s+=cb
    if b>s:
        k=classify(path+[desc]); agg[k]=agg.get(k,0)+b-s
    return idx,b
_,tot=walk(peak+1,[])
print(f'peak heap {tot/1e6:.1f} MB')
for k,v in sorted(agg.items(),key=lambda x:-x[1])[:12]:
    print(f'{v/1e6:8.1f} MB {100*v/tot:5.1f}%  {k}')
