using Microsoft.Data.Sqlite;

namespace Mesh.Cli.Chaos;

/// <summary>Damage done to a stopped node's journal file, as a failing disk would: for <c>mesh bench rebuild</c> and the fault tests.</summary>
public static class JournalFaults
{
    public const int PageSize = 4096;

    /// <summary>Folds the write-ahead log into the file first, as a clean stop would, so that the file's pages are all there is.</summary>
    public static void FoldWal(string journal)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = journal, Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        cmd.ExecuteNonQuery();
    }

    /// <summary>Overwrites page <paramref name="page"/> (from 0; -1 = the last) with seeded garbage; returns the page's number.</summary>
    public static long OverwritePage(string journal, long page = -1, int seed = 7)
    {
        FoldWal(journal);
        using var file = new FileStream(journal, FileMode.Open, FileAccess.ReadWrite);
        var pages = file.Length / PageSize;
        if (page < 0)
            page = pages - 1;
        var garbage = new byte[PageSize];
        new Random(seed).NextBytes(garbage);
        file.Seek(page * PageSize, SeekOrigin.Begin);
        file.Write(garbage);
        file.Flush(true);
        return page;
    }

    /// <summary>Cuts the file's last page off.</summary>
    public static void CutLastPage(string journal)
    {
        FoldWal(journal);
        using var file = new FileStream(journal, FileMode.Open, FileAccess.ReadWrite);
        file.SetLength(file.Length - PageSize);
    }
}
