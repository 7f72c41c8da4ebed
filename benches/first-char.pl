#!/usr/bin/perl
# Reads what a program writes to its terminal (a tmux pane, through
# `pipe-pane`) and, at the first printable character outside escape
# sequences (the first character of its first frame), writes the time in
# nanoseconds (CLOCK_REALTIME, as `date +%s%N`) to the file or FIFO named
# by its argument, then exits. Used by whole-process.sh, so that the
# measure waits on the program's output instead of polling the screen.
use strict;
use warnings;
use Time::HiRes qw(clock_gettime CLOCK_REALTIME);

my ($out) = @ARGV;
die "usage: first-char.pl OUT\n" unless defined $out;
binmode STDIN;
my $pending = '';
while (sysread(STDIN, my $chunk, 65536)) {
    my $text = $pending . $chunk;
    $text =~ s/\e\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]//g;    # CSI
    $text =~ s/\e[\]P_^][^\a\e]*(?:\a|\e\\)//g;              # OSC, DCS, APC, PM
    $text =~ s/\e[\x20-\x2f]*[\x30-\x7e]//g;                  # other escapes
    # An escape sequence cut by the end of this read waits for the next.
    $pending = $text =~ s/(\e.*)\z//s ? $1 : '';
    if ($text =~ /[^\x00-\x20\x7f]/) {
        my $now = clock_gettime(CLOCK_REALTIME);
        open(my $fh, '>', $out) or die "$out: $!\n";
        printf $fh "%d\n", $now * 1e9;
        close $fh;
        exit 0;
    }
}
