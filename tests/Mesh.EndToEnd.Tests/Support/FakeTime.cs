namespace Mesh.EndToEnd.Tests.Support;

/// <summary>libfaketime (Debian's <c>faketime</c> package; .ci/run installs it): skews the wall clock of a process it is preloaded into.</summary>
public static class FakeTime
{
    private static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/faketime/libfaketimeMT.so.1",
    ];

    public static string Library => Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("libfaketime is not installed (apt-get install faketime); .ci/run installs it");
}
