using System.Globalization;

namespace Mesh.Node.Sync;

/// <summary>
/// The last record known durable in JetStream and its stream sequence, kept beside the journal
/// (<c>nats-sync.cursor</c>). It lets a restarted publisher republish what a crash may have left unacknowledged
/// inside its in-flight window, resume although retention removed its last message, and notice a stream that
/// was recreated. Saved at most once a second and on stop: a stale cursor only costs republishing.
/// </summary>
internal readonly record struct NatsSyncCursor(long Record, ulong StreamSeq)
{
    public const string FileName = "nats-sync.cursor";

    public static string PathBeside(string journalPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(journalPath))!, FileName);

    /// <summary>The saved cursor, or none (0) when missing, unreadable, or ahead of the journal it belongs to.</summary>
    public static NatsSyncCursor Load(string path, long journalHead)
    {
        try
        {
            var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var record)
                && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var streamSeq)
                && record <= journalHead)
                return new NatsSyncCursor(record, streamSeq);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return default;
    }

    /// <summary>Writes a temporary file and renames it over the old one, so a crash leaves one or the other.</summary>
    public void Save(string path)
    {
        if (Record == 0)
            return;
        try
        {
            var temp = path + ".tmp";
            File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture, $"{Record} {StreamSeq}\n"));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: without a cursor the publisher resumes after the stream's last record.
        }
    }
}
