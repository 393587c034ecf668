"""Performance Profile Creator (PPC): from a must-gather's hardware snapshots to a profile.

Layers, pure inputs to frozen outputs, with the I/O at the edges:
`snapshot` reads the few sysfs files needed from a node's ``sysinfo.tgz`` without extracting it;
`hardware` turns their contents into a frozen CPU topology (sockets, cores, threads, NUMA nodes);
`allocation` splits that topology into reserved, isolated and offlined CPU sets.
"""
