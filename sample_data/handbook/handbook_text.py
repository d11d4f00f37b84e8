"""Handwritten pages of the fictional Keelson Operations Handbook (a development site in prose-handbook style).

Keelson is an invented ledger server for small cooperatives; the handbook is what its administrators read.
Every word was written for this project. Each page is (path, H1, body); the body is a small markup, turned into
HTML and plain text by make_handbook.py:
- a blank line separates blocks; "## X" is a section heading; "- x" lines form a list; "term :: text" a
  definition; a block whose lines all start with four spaces is a preformatted listing (commands, config);
- [anchor](/path) is an in-content link an editor of the handbook made (the truth of the site).
The texts carry, on purpose, the traps of a real handbook: everyday words used in another sense ("a table of
contents", "a running total", "in most settings"), several chapters with their own "Getting Started" or
"Overview" section, titles inside headings and config listings, placeholders (<ledger-name>), numbered parts
and appendices ("Appendix B"), a quoted title (The “Quiet Hours” Policy), and stub pages that moved.
"""

PAGES = [
    ("/", "Keelson Operations Handbook", """
This handbook is for the people who keep a Keelson server running for a cooperative: the treasurer who also
looks after the office computer, the volunteer who was told "you know about computers", and the small IT
firm that looks after a dozen cooperatives at once. It does not assume you are a database expert.

The handbook has four numbered parts and three appendices. [Part 1: Setting Up](/part-1/) takes you from an
empty machine to a running ledger. [Part 2: Daily Operations](/part-2/) covers the work of an ordinary week.
[Part 3: Keeping Data Safe](/part-3/) is the part we hope you read twice. [Part 4: Growing and Upgrading](/part-4/)
is for the day the cooperative outgrows its first machine.

There is no table of contents on this page; the menu on the left serves that purpose. If you are looking for a
single command, go straight to [Appendix B](/appendix-b/). If a word in this handbook is unfamiliar, the
[Glossary](/glossary) explains it, and the [Frequently Asked Questions](/faq) answer what new administrators
ask most often.

## How to read this handbook

Each chapter starts with what you need to know before you begin, then walks through the work in the order you
would do it. Commands are shown in listings you can copy. Words in angle brackets, such as <ledger-name>, are
placeholders: replace them with your own values.
"""),

    ("/part-1/", "Part 1: Setting Up", """
Setting up Keelson takes an afternoon. This part walks through it in order: [Installation](/part-1/installation),
then the [Network Settings](/part-1/network-settings) that let the rest of the office reach the server, then the
general [Settings](/part-1/settings) file, and finally [Running the Server](/part-1/running-the-server) as a
service that starts on its own. The last chapter, [Your First Ledger](/part-1/first-ledger), creates the books
you will actually use.

Take notes as you go. The choices you make here, such as where the data lives, are the ones you will need to
remember when something goes wrong a year from now.
"""),

    ("/part-1/installation", "Installation", """
## Getting Started

Keelson runs on any recent Linux machine with two gigabytes of memory and a disk you trust. An old office desktop
is enough for a cooperative of a few hundred members. Before you begin, decide who will own the server: it
should be a person, not "the office", because someone has to read the warnings it sends.

## Installing the package

Keelson is published as a single package. On a Debian or Ubuntu machine:

    sudo apt install ./keelson_4.2_amd64.deb
    keelson version

The second command prints the version you installed. Keep that number; the [Upgrades](/part-4/upgrades) chapter
asks for it.

## Where things live

The package puts the program in /usr/bin, its configuration in /etc/keelson and its data in /var/lib/keelson.
The data folder is the one that matters: it holds every ledger, and it is what [Backup Strategies](/part-3/backup-strategies)
protect. If the machine has a second disk, put the data folder there.

## What comes next

Once the package is installed, the server does not yet listen to anyone. Continue with
[Network Settings](/part-1/network-settings).
"""),

    ("/part-1/network-settings", "Network Settings", """
## Overview

By default a new Keelson server only answers on the machine itself. That is safe, and useless for an office.
This chapter opens it to the office network and nothing else.

## Choosing an address

Give the server a fixed address on the office network. Most office routers let you reserve an address for a
machine; ask whoever set up the router. Then tell Keelson to listen on it:

    listen_address = 192.168.1.20
    listen_port = 7410

These two lines go in the configuration file described in [Settings](/part-1/settings). The full list of
options is in [Appendix A: Configuration Reference](/appendix-a/).

## Who may connect

The allowed_networks option names the networks whose computers may connect at all. Keep it to the office
network. A server reachable from the whole internet will be found and probed within hours, and the
[Encryption at Rest](/part-3/encryption) chapter cannot help you with that.

## Checking the connection

From another office computer, open the address in a browser. You should see the Keelson sign-in page. If you
do not, the [Troubleshooting](/part-4/troubleshooting) chapter lists the usual causes, most of them a firewall.
"""),

    ("/part-1/settings", "Settings", """
## Overview

Keelson reads one configuration file, /etc/keelson/keelson.conf, when it starts. In most settings the file
from the package works unchanged apart from a handful of lines. Each line is a name, an equals sign and a
value; lines starting with a hash are comments.

## A minimal file

    data_dir = /var/lib/keelson
    listen_address = 192.168.1.20
    backup_dir = /srv/keelson-backups
    quiet_hours = 01:00-05:00

The quiet_hours line sets the window described in [The “Quiet Hours” Policy](/part-2/quiet-hours). The
backup_dir line is where the nightly copies go; read [Backup Strategies](/part-3/backup-strategies) before you
choose it.

## Network Settings

The lines about addresses and ports have their own chapter, [Network Settings](/part-1/network-settings),
because getting them wrong is the most common reason an office cannot reach its server.

## Applying a change

Keelson does not notice edits to the file while it runs. After a change, restart the service as shown in
[Running the Server](/part-1/running-the-server). Every option, its default and its meaning is listed in
[Appendix A](/appendix-a/).
"""),

    ("/part-1/running-the-server", "Running the Server", """
## Getting Started

The package installs Keelson as a system service, so the server starts when the machine boots and restarts if
it stops. You rarely start it by hand, but you will restart it after every change to the configuration.

    sudo systemctl restart keelson
    sudo systemctl status keelson

The second command should say "active (running)". The [Serve](/appendix-b/serve) command in Appendix B is what
the service runs underneath; you can run it yourself in a terminal when you want to watch the server start.

## When it does not start

If the status says "failed", the reason is almost always in the last lines of the log. The
[Logs](/part-2/logs) chapter shows where to find them. A mistyped option name in the configuration file is the
most common cause, and the error names the line.

## Stopping for maintenance

Stop the service before you move the data folder or restore a copy. Keelson refuses to start while another copy
of itself holds the data folder, which protects you from running two servers on the same ledgers.
"""),

    ("/part-1/first-ledger", "Your First Ledger", """
## Getting Started

A ledger in Keelson is one cooperative's set of books. Most installations hold a single ledger; an IT firm
looking after several cooperatives keeps one ledger for each on the same server.

## Creating the ledger

    keelson ledger create <ledger-name> --currency EUR

Choose a short name without spaces; it appears in every backup file name. The ledger starts with the standard
chart of accounts, which you can change later.

## Adding tables

Members, shares and payments each live in a table of their own. The [Tables](/part-2/tables) chapter explains
the standard ones and how to add your own with [Create Table](/appendix-b/create-table).

## The first user

The person who created the ledger is its first administrator. Before anyone else signs in, read
[Users and Roles](/part-2/users-and-roles) and give each volunteer the smallest role that lets them do their job.
"""),

    ("/part-1/quick-start", "Quick Start", """
This page has moved. The quick start guide is now the Getting Started section of
[Installation](/part-1/installation).
"""),

    ("/part-2/", "Part 2: Daily Operations", """
Once the server runs, most weeks need little attention. This part covers what does: [Users and Roles](/part-2/users-and-roles)
as volunteers come and go, [Tables](/part-2/tables) as the cooperative records new things,
[Importing Records](/part-2/imports) and [Exporting Records](/part-2/exports) for the spreadsheets that never
quite go away, [Reports](/part-2/reports) for the board, [Scheduled Jobs](/part-2/scheduled-jobs) that do the
nightly work, [The “Quiet Hours” Policy](/part-2/quiet-hours) that keeps that work out of everyone's way, and
[Monitoring](/part-2/monitoring) and [Logs](/part-2/logs) for noticing problems early.
"""),

    ("/part-2/users-and-roles", "Users and Roles", """
## Overview

Every person who signs in to Keelson has a user account, and every account has one role. The role decides what
the person may see and change. Keelson ships with four roles: reader, clerk, treasurer and administrator.

## Choosing a role

Give each volunteer the smallest role that lets them do their job. A clerk can record payments but cannot
delete them; a treasurer can correct entries, and every correction is kept in
[The Audit Trail](/part-3/audit-trail). Only administrators can change [Settings](/part-1/settings) or run
[Scheduled Jobs](/part-2/scheduled-jobs) by hand.

## When someone leaves

Disable the account the day the person leaves; do not delete it. A deleted account would leave entries in the
ledger with no name attached, and the [Retention and Deletion](/part-3/retention) rules say how long those
names must be kept.
"""),

    ("/part-2/tables", "Tables", """
## Overview

A ledger keeps its records in tables: members, shares, payments, and whatever else the cooperative tracks.
Keelson creates the standard tables with the ledger. This chapter explains them and when to add your own.

## The standard tables

- members: one row per member, with their join date and status;
- shares: who holds which shares and since when;
- payments: every payment in or out, with its account.

## Adding your own

A food cooperative may want a table of delivery rounds; a housing cooperative a table of repairs. Use the
[Create Table](/appendix-b/create-table) command, and give every column a type. Avoid storing the same fact in
two tables: the [Reports](/part-2/reports) you build later will disagree with each other.

## Changing a table

Adding a column is safe at any time. Removing one deletes its data for good, so take a copy first as described
in [Backup Strategies](/part-3/backup-strategies).
"""),

    ("/part-2/imports", "Importing Records", """
## Getting Started

Most cooperatives arrive with years of records in spreadsheets. Keelson imports comma-separated files into any
table, one row per record. Save the spreadsheet as CSV, check that the first row holds the column names, and
keep the original file.

    keelson import <ledger-name> members members-2024.csv

## Dates and amounts

Dates must be written year first (2024-03-31). Amounts use a point for decimals and no thousands separator. The
importer refuses a file with a single bad row and names the row, rather than importing half of it.

## After an import

Run the members report from [Reports](/part-2/reports) and compare its totals with the spreadsheet. If they
differ, [Restoring Data](/part-3/restoring-data) shows how to roll back to the copy taken before the import.
"""),

    ("/part-2/exports", "Exporting Records", """
## Overview

Anything in a ledger can leave it as a CSV file, for the auditor, for a grant application or for a member who
asks what the cooperative holds about them.

    keelson export <ledger-name> payments --from 2024-01-01 --to 2024-12-31

## Exports and privacy

An export of the members table holds personal data. Send it only to people entitled to it, and delete your
copy when the job is done; the [Retention and Deletion](/part-3/retention) chapter gives the periods. Each
export is recorded in [The Audit Trail](/part-3/audit-trail) with the name of the person who ran it.

## Exports are not backups

An export leaves out settings, users and history. It cannot rebuild a ledger. For that, see
[Backup Strategies](/part-3/backup-strategies).
"""),

    ("/part-2/reports", "Reports", """
## Getting Started

Keelson comes with the reports a cooperative board usually asks for: membership, share capital, and income and
spending by account. Each report can be shown on screen, printed, or saved as a spreadsheet.

## Building your own

New to custom reports? Read [Getting Started](/part-2/reports/getting-started) first; it builds one step by step.
A custom report is a saved question about one or more tables. The payments report, for example, keeps a running
total down the page so the treasurer can check it against the bank statement line by line. Start from a
standard report and change it rather than starting from nothing.

## Reports that run at night

Large reports can be slow on a small machine. Schedule them as [Scheduled Jobs](/part-2/scheduled-jobs) so they
run during the window set by [The “Quiet Hours” Policy](/part-2/quiet-hours), and the results wait in the
morning.

## When the numbers look wrong

Reports read the tables as they are. If a total looks wrong, the cause is almost always a record entered twice
or an import that went in half-checked; [The Audit Trail](/part-3/audit-trail) shows who entered what and when.
"""),

    ("/part-2/reports/getting-started", "Getting Started", """
This page builds a first custom report, the list of members who joined this year, in five steps. It assumes you
have read [Reports](/part-2/reports) and can sign in as a treasurer.

## Step 1: pick the table

Open Reports, choose New report and pick the members table. A report reads one table first and may add
others later.

## Step 2: choose the columns

Tick name, join date and status. Leave out the address: a report that does not need personal data should not
show it, as [Retention and Deletion](/part-3/retention) reminds us.

## Step 3: filter and sort

Add the filter "join date is this year" and sort by join date. Save the report under a name the board will
recognise.

## Next steps

Schedule the report to run at night as one of the [Scheduled Jobs](/part-2/scheduled-jobs), or export it as
described in [Exporting Records](/part-2/exports).
"""),

    ("/part-4/replication/getting-started", "Getting Started", """
This page sets up a first replica on a spare machine in under an hour. Read [Replication](/part-4/replication)
first for what a replica is and is not.

## Step 1: install

Install the same version of Keelson as the main server, following [Installation](/part-1/installation). Do not
create a ledger on the replica.

## Step 2: point it at the main server

Add replica_of to the replica's configuration file and restart it. The line is explained in
[Appendix A](/appendix-a/).

## Step 3: check it

Make a small change on the main server, such as a test payment, and look for it on the replica a few seconds
later. Then delete the test payment on the main server; the replica follows.

## Next steps

Add the replica to the daily summary described in [Monitoring](/part-2/monitoring), so you hear when it falls
behind.
"""),

    ("/part-2/scheduled-jobs", "Scheduled Jobs", """
## Overview

Keelson runs some work on a timetable instead of when someone clicks: the nightly backup, large reports,
reminders for unpaid shares. Each of these is a scheduled job.

## The standard jobs

- nightly-backup: runs the [Backup](/appendix-b/backup) command into the backup folder;
- reminders: sends payment reminders to members whose shares are unpaid;
- housekeeping: removes expired sessions and old temporary files.

## Adding a job

Jobs are listed in the configuration file, one per line, with the time they start. Keelson refuses to start a
job outside quiet hours unless it is marked as light. If a job takes longer than its window,
[Monitoring](/part-2/monitoring) raises a warning the next morning.

## When a job fails

A failed job is retried once. If it fails again, the reason is written to the [Logs](/part-2/logs) and the
administrator is sent an email.
"""),

    ("/part-2/quiet-hours", "The “Quiet Hours” Policy", """
## Overview

Some work is heavy: the nightly backup, large reports, rebuilding search. Run during office hours, it slows the
ledger down for everyone. The “Quiet Hours” policy is Keelson's answer: a window, usually at night, when heavy
work is allowed and people are not expected to be working.

## Setting the window

    quiet_hours = 01:00-05:00

Pick a window when nobody uses the ledger. A cooperative with volunteers who work late may want 02:00-06:00.
The window is also when [Upgrades](/part-4/upgrades) should be installed.

## What happens outside the window

Heavy jobs wait for the next window instead of starting. A treasurer who needs a large report urgently can still
run it by hand; it will simply be slow. [Scheduled Jobs](/part-2/scheduled-jobs) lists which jobs count as heavy.

## History

Older editions of this handbook described the same idea under the name maintenance windows.
"""),

    ("/part-2/maintenance-windows", "Maintenance Windows", """
This page has moved. Maintenance windows are now called quiet hours; see
[The “Quiet Hours” Policy](/part-2/quiet-hours).
"""),

    ("/part-2/monitoring", "Monitoring", """
## Overview

A server nobody watches fails quietly. Keelson watches itself and sends the administrator an email when
something needs attention: a disk filling up, a backup that did not run, a job that overran its window.

## The daily summary

Each morning the administrator receives a short summary: how much disk is free, whether the nightly backup
succeeded, and how many people signed in. Read it. Most problems in the [Troubleshooting](/part-4/troubleshooting)
chapter were visible in the summary days before anyone noticed.

## Health page

The health page at /health shows the same figures live. An IT firm looking after several cooperatives can point
its own monitoring tool at that page and be told when any of them turns red.

## Disk space

Keelson warns when free space on the data disk falls below a fifth. The [Capacity Planning](/part-4/capacity)
chapter explains how to estimate how long the disk will last.
"""),

    ("/part-2/logs", "Logs", """
## Overview

Keelson writes what it does to a log file, one line per event, in /var/log/keelson. When something goes wrong,
the log is the first place to look; most error messages in it carry a code explained in
[Appendix C: Error Codes](/appendix-c/).

## Reading the log

    sudo tail -n 50 /var/log/keelson/keelson.log

Each line starts with the time and a level: info, warning or error. A healthy server logs a few info lines an
hour. A stream of warnings means something is slowly going wrong.

## Logs and the audit trail

The log is for the administrator and records what the server did. It does not record who changed which entry;
that is [The Audit Trail](/part-3/audit-trail), which is kept inside the ledger and follows it into every backup.

## How long logs are kept

Log files are rotated weekly and kept for three months, following [Retention and Deletion](/part-3/retention).
"""),

    ("/part-3/", "Part 3: Keeping Data Safe", """
A cooperative's ledger is years of other people's money and trust. This part is about never losing it:
[Backup Strategies](/part-3/backup-strategies) and [Restoring Data](/part-3/restoring-data) for the day a disk
dies, [Encryption at Rest](/part-3/encryption) for the day a laptop is stolen, [The Audit Trail](/part-3/audit-trail)
for the day someone asks who changed an entry, and [Retention and Deletion](/part-3/retention) for the day a
member asks to be forgotten.
"""),

    ("/part-3/backup-strategies", "Backup Strategies", """
## Overview

A backup is a copy of the data folder, taken while the server is consistent, stored somewhere else. Keelson takes
one every night during quiet hours with the [Backup](/appendix-b/backup) command. This chapter is about deciding
where the copies go and how many to keep.

## The rule of three

Keep three copies of the data, on two kinds of storage, one of them away from the office. In practice: the live
data on the server, the nightly copy on a second disk, and a weekly copy taken home by a board member or sent to
an online storage service.

## How many copies to keep

Keep every nightly copy for two weeks, every weekly copy for three months, and one copy a year for as long as
the cooperative's accounts must be kept. A copy older than your oldest mistake is what saves you when an error
is noticed months later.

## Snapshots

Some storage systems offer snapshots of a whole disk. They are quick, but they live on the same machine; count
them as a convenience, not as one of your three copies.

## Testing your backups

A backup you have never restored is a hope, not a backup. Once a quarter, restore last night's copy onto a spare
machine following [Restoring Data](/part-3/restoring-data).
"""),

    ("/part-3/snapshots", "Snapshots", """
This page has moved. Snapshots are now covered in [Backup Strategies](/part-3/backup-strategies).
"""),

    ("/part-3/restoring-data", "Restoring Data", """
## Getting Started

Restoring replaces the live ledger with a copy. Before you begin, stop the service as shown in
[Running the Server](/part-1/running-the-server), and take one more copy of the current data: you may need it if
the copy you restore turns out to be the wrong one.

## Restoring a nightly copy

    keelson restore <ledger-name> /srv/keelson-backups/<ledger-name>-2024-06-01.kbk

The [Restore](/appendix-b/restore) command checks the copy before it replaces anything. If the check fails, the
live ledger is left untouched and the reason is printed; [Appendix C](/appendix-c/) explains each code.

## Restoring a single entry

You do not need to restore a whole ledger to recover one deleted payment. Restore the copy onto a spare machine,
export the payment as described in [Exporting Records](/part-2/exports), and import it into the live ledger.

## After restoring

Tell everyone that entries made since the copy was taken are gone and must be entered again. The audit trail of
the restored copy shows the last entry it holds.
"""),

    ("/part-3/encryption", "Encryption at Rest", """
## Overview

Encryption at rest means the ledger is stored on disk in a form nobody can read without the key. It protects you
when a machine or a backup disk is stolen; it does nothing against someone who can sign in.

## Turning it on

    encryption = on
    key_file = /etc/keelson/ledger.key

Keelson creates the key the first time it starts with encryption on. Back the key up separately from the data:
a backup without its key is useless, and a key stored next to the backup protects nothing.

## Encrypted backups

Backups of an encrypted ledger are encrypted with the same key. Write the key's location into your notes from
[Backup Strategies](/part-3/backup-strategies), and make sure two people know where the paper copy is kept.
"""),

    ("/part-3/audit-trail", "The Audit Trail", """
## Overview

Every change to a ledger is recorded in the audit trail: who made it, when, and what the entry looked like
before. Entries are never changed or removed from the trail, not even by an administrator.

## Reading the trail

Open any record and choose History to see its changes. To see everything one person did in a period, use the
audit report in [Reports](/part-2/reports).

## The trail and corrections

Keelson does not let anyone silently edit a payment. A treasurer corrects a mistake by recording the correction,
and the trail keeps both. This is what auditors expect, and it is why the clerk role described in
[Users and Roles](/part-2/users-and-roles) cannot delete entries at all.

## How long the trail is kept

The trail is kept as long as the ledger. When personal data must be removed, the trail keeps the fact of the
change and drops the personal details, as described in [Retention and Deletion](/part-3/retention).
"""),

    ("/part-3/retention", "Retention and Deletion", """
## Overview

Some records must be kept for years, others must be deleted when they are no longer needed. Keelson lets you set
a retention period for each table and removes or anonymises records when it ends.

## Typical periods

- payments: as long as the law requires accounts to be kept, often ten years;
- members who have left: their name and address for as long as they hold shares, then anonymised;
- logs: three months.

## When a member asks to be forgotten

Anonymise the member rather than deleting them: their payments stay in the accounts, their name and address do
not. The anonymisation is recorded in [The Audit Trail](/part-3/audit-trail). Remember that older backup copies
still hold the old details until they expire under the schedule in [Backup Strategies](/part-3/backup-strategies).
"""),

    ("/part-4/", "Part 4: Growing and Upgrading", """
Cooperatives grow, and so do ledgers. This part covers [Upgrades](/part-4/upgrades) to new versions of Keelson,
[Replication](/part-4/replication) to a second server, [Performance Tuning](/part-4/performance) when the
machine starts to feel slow, [Capacity Planning](/part-4/capacity) before the disk fills, and
[Troubleshooting](/part-4/troubleshooting) for the days when something has already gone wrong.
"""),

    ("/part-4/upgrades", "Upgrades", """
## Getting Started

A new version of Keelson appears a few times a year. Upgrading is usually a matter of installing the new package,
but read the release notes first: some versions change the layout of the data folder, and going back after that
is only possible from a backup.

## Before you upgrade

Take a backup and check it, as described in [Backup Strategies](/part-3/backup-strategies). Plan the upgrade for
quiet hours, and tell the volunteers the ledger will be unavailable for half an hour.

## Installing the new version

    sudo apt install ./keelson_4.3_amd64.deb
    sudo systemctl restart keelson

The first start after an upgrade converts the data folder and may take several minutes on a large ledger. Watch
it in the [Logs](/part-2/logs).

## Maintenance windows

Older editions called the upgrade window a maintenance window. It is now the window of
[The “Quiet Hours” Policy](/part-2/quiet-hours).

## Skipping versions

You can skip minor versions, but not major ones: to go from 3.x to 5.x, upgrade to 4.x first and start the
server once.
"""),

    ("/part-4/replication", "Replication", """
## Overview

Replication keeps a second Keelson server as an exact, read-only copy of the first. If the main server fails, the
replica can take over within minutes instead of the hours a restore takes.

## Setting up a replica

Install Keelson on the second machine as described in [Installation](/part-1/installation), then point it at the
main server:

    replica_of = 192.168.1.20:7410

The replica copies every change within seconds. It does not replace backups: a mistake on the main server is
copied to the replica just as faithfully.

## Your first replica

[Getting Started](/part-4/replication/getting-started) walks through a first replica on a spare machine, from
installation to the first copied change. Once it works, read on.

## Taking over

If the main server is lost, promote the replica and change the address the office uses. The
[Troubleshooting](/part-4/troubleshooting) chapter has a checklist for the first hour.
"""),

    ("/part-4/performance", "Performance Tuning", """
## Overview

Keelson is fast on small machines until it is not. When pages take seconds to open, the cause is usually one of
three things: too little memory, a slow disk, or a report running during office hours.

## Memory

Keelson keeps recently used records in memory. Give it a quarter of the machine's memory with cache_size in the
configuration file; more rarely helps.

## Heavy work in office hours

If the slowness comes and goes, look at what runs at those times. Move large reports into the window set by the
["Quiet Hours" policy](/part-2/quiet-hours), as described in [Scheduled Jobs](/part-2/scheduled-jobs).

## When tuning is not enough

A ledger of tens of thousands of members needs a bigger machine; [Capacity Planning](/part-4/capacity) helps you
decide when.
"""),

    ("/part-4/capacity", "Capacity Planning", """
## Overview

Capacity planning means knowing, before it happens, when the server will run out of disk or memory. It is easier
than it sounds: a ledger grows at a steady pace, and the daily summary from [Monitoring](/part-2/monitoring)
tells you the pace.

## Estimating disk use

Note the size of the data folder on the first of each month. Divide the free space by the monthly growth, and
you know how many months you have. Remember that backups grow at the same pace, times the number of copies your
[Backup Strategies](/part-3/backup-strategies) keep.

## When to buy a bigger machine

Plan a move when the estimate falls below a year. Moving is a restore onto new hardware, described in
[Restoring Data](/part-3/restoring-data); with [Replication](/part-4/replication) it can be done with almost no
downtime.
"""),

    ("/part-4/troubleshooting", "Troubleshooting", """
## Overview

This chapter collects the problems administrators report most often, with the first thing to check for each.
When the log shows an error code, look it up in [Appendix C: Error Codes](/appendix-c/) first.

## Nobody can reach the server

Check that the service is running ([Running the Server](/part-1/running-the-server)), then that the address and
allowed networks are right ([Network Settings](/part-1/network-settings)). A firewall on the server blocking port
7410 is the usual cause after an operating system update.

## The server is slow

See [Performance Tuning](/part-4/performance). A backup running into office hours is a common culprit.

## The nightly backup failed

The daily summary says so. The usual cause is a full backup disk; the log line gives the error code. Free space,
then run the [Backup](/appendix-b/backup) command by hand to make up for the missed night.

## A volunteer cannot see a table

Their role does not allow it. Check their account in [Users and Roles](/part-2/users-and-roles).
"""),

    ("/appendix-a/", "Appendix A: Configuration Reference", """
Every option of /etc/keelson/keelson.conf, in alphabetical order, with its default. Change the file, then restart
the service as described in [Running the Server](/part-1/running-the-server).

## Options

allowed_networks :: Networks whose computers may connect, comma-separated. Default: the server itself only. See
[Network Settings](/part-1/network-settings).

backup_dir :: Where the nightly backup is written. Default: /var/lib/keelson/backups. See
[Backup Strategies](/part-3/backup-strategies).

cache_size :: Memory used for recently read records. Default: 256 MB. See [Performance Tuning](/part-4/performance).

data_dir :: The data folder. Default: /var/lib/keelson.

encryption :: on or off. Default: off. See [Encryption at Rest](/part-3/encryption).

listen_address :: The address the server answers on. Default: 127.0.0.1.

quiet_hours :: The window for heavy work. Default: 01:00-05:00. See [The “Quiet Hours” Policy](/part-2/quiet-hours).

replica_of :: Makes this server a replica of another. Default: unset. See [Replication](/part-4/replication).

## Network Settings

The listing below shows the network options of a typical office server together:

    listen_address = 192.168.1.20
    listen_port = 7410
    allowed_networks = 192.168.1.0/24
"""),

    ("/appendix-b/", "Appendix B: Command Reference", """
The keelson command line tool does everything the web interface does, and a few things it cannot. Each command
has its own page; the ones administrators use most are below.

- [Create Table](/appendix-b/create-table): add a table to a ledger;
- [Backup](/appendix-b/backup): copy a ledger to a backup file;
- [Restore](/appendix-b/restore): replace a ledger with a backup copy;
- [Serve](/appendix-b/serve): run the server in the foreground.

Every command accepts --help. Commands that change data ask for confirmation unless given --yes, and every change
they make is recorded in [The Audit Trail](/part-3/audit-trail).
"""),

    ("/appendix-b/create-table", "Create Table", """
    keelson table create <ledger-name> <table-name> --column <name>:<type> ...

Adds a table to a ledger. Column types are text, number, amount, date and member. A column of type member links
each row to a member of the cooperative, and the member's row cannot be anonymised while such a link exists.

## Example

    keelson table create coop-north repairs --column flat:text --column reported:date --column cost:amount

The new table appears in the web interface at once. To fill it from a spreadsheet, see
[Importing Records](/part-2/imports); for what the standard tables already hold, see [Tables](/part-2/tables).
"""),

    ("/appendix-b/backup", "Backup", """
    keelson backup <ledger-name> [--to <folder>]

Writes a consistent copy of a ledger to one file, named after the ledger and the date. The server keeps running
while the copy is taken. Without --to, the copy goes to backup_dir.

## Notes

The nightly job in [Scheduled Jobs](/part-2/scheduled-jobs) runs this command. Deciding where the copies go and
how long to keep them is the subject of [Backup Strategies](/part-3/backup-strategies). A copy is only good once
it has been restored; see [Restore](/appendix-b/restore).
"""),

    ("/appendix-b/restore", "Restore", """
    keelson restore <ledger-name> <backup-file> [--yes]

Replaces a ledger with the copy in a backup file, after checking the file. The service must be stopped first.

## Notes

The whole procedure, including what to tell the volunteers, is in [Restoring Data](/part-3/restoring-data).
Error codes printed when a check fails are listed in [Appendix C](/appendix-c/).
"""),

    ("/appendix-b/serve", "Serve", """
    keelson serve [--config <file>]

Runs the server in the foreground, printing its log to the terminal, until you press Ctrl+C. This is the command
the system service runs; use it by hand when you want to watch the server start after a change.

## Notes

Do not run it while the service is running: the second copy refuses to start because the data folder is in use.
For running Keelson as a service, see [Running the Server](/part-1/running-the-server).
"""),

    ("/appendix-c/", "Appendix C: Error Codes", """
Keelson's error messages start with a code. The ones administrators meet most often:

K101 :: The configuration file has an unknown option. The message names the line; see
[Appendix A](/appendix-a/) for the valid names.

K204 :: The data folder is in use by another copy of Keelson. Stop the other copy or the service first.

K310 :: A backup file failed its check and was not restored. Try an older copy; see
[Restoring Data](/part-3/restoring-data).

K415 :: The backup disk is full. Free space and run the backup again; see [Capacity Planning](/part-4/capacity).

K520 :: A heavy job was held until quiet hours. Not an error; see [The “Quiet Hours” Policy](/part-2/quiet-hours).
"""),

    ("/glossary", "Glossary", """
Words this handbook uses in a particular sense.

administrator :: The role that may change settings and run jobs by hand. See [Users and Roles](/part-2/users-and-roles).

audit trail :: The record of every change to a ledger. See [The Audit Trail](/part-3/audit-trail).

ledger :: One cooperative's set of books, with its tables, users and history. See
[Your First Ledger](/part-1/first-ledger).

quiet hours :: The nightly window for heavy work. See [The “Quiet Hours” Policy](/part-2/quiet-hours).

replica :: A read-only copy of a server kept up to date. See [Replication](/part-4/replication).

retention period :: How long a table's records are kept. See [Retention and Deletion](/part-3/retention).

table :: A list of records of one kind, such as members or payments. See [Tables](/part-2/tables).
"""),

    ("/faq", "Frequently Asked Questions", """
## Can I run Keelson on a laptop?

You can, but a laptop goes home in someone's bag. A server should stay in one place and stay on.

## How often should we take backups?

Every night, automatically, and one copy a week taken off site. [Backup Strategies](/part-3/backup-strategies)
explains why three copies are the minimum.

## A volunteer deleted a payment by mistake. Is it gone?

No. A clerk cannot delete payments, and a treasurer's correction is kept in
[The Audit Trail](/part-3/audit-trail). If a payment really is gone, restore it from last night's copy as
described in [Restoring Data](/part-3/restoring-data).

## The server stopped answering after an update. What now?

Start with [Troubleshooting](/part-4/troubleshooting); the first section covers exactly this.

## Is there a quick start guide?

The Getting Started section of [Installation](/part-1/installation) is the quick start: an afternoon from an
empty machine to a running server.

## Are disk snapshots enough?

No. Snapshots live on the same machine as the data; [Backup Strategies](/part-3/backup-strategies) explains
why they do not count as a backup.

## Can two cooperatives share one server?

Yes. Create a ledger for each, as in [Your First Ledger](/part-1/first-ledger), and give each cooperative's
volunteers accounts only in their own ledger.

## Where is the table of contents?

In the menu on the left of every page. This handbook has no separate contents page.
"""),

    ("/release-notes", "Release Notes", """
## Version 4.2

- Reports can keep a running total down the page.
- The health page shows the date of the last successful backup.
- Maintenance windows were renamed quiet hours; the old option name still works.

## Version 4.1

- Encrypted ledgers can be replicated.
- The importer names the first bad row of a refused file.

## Version 4.0

- The data folder layout changed; see [Upgrades](/part-4/upgrades) before upgrading from 3.x.
"""),
]
