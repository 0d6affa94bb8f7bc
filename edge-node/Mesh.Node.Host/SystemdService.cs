using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Console;

namespace Mesh.Node.Host;

/// <summary>
/// The systemd lifetime (READY=1 once started, STOPPING=1, journal priorities on log lines) when the node is a systemd
/// service. <see cref="SystemdHostBuilderExtensions.AddSystemd(IServiceCollection)"/> alone decides that by reading
/// <c>/proc/&lt;parent&gt;/comm</c>, which the installed unit's <c>ProtectProc=invisible</c> hides from the <c>mesh</c> user
/// (dotnet/runtime#125368): it would register nothing, and the <c>Type=notify</c> unit would time out starting.
/// systemd 248 and later name the service's main process in <c>SYSTEMD_EXEC_PID</c>, which nothing hides.
/// </summary>
internal static class SystemdService
{
    public static IServiceCollection AddSystemdService(this IServiceCollection services)
    {
        services.AddSystemd();
        if (SystemdHelpers.IsSystemdService() || !IsMainProcess())
            return services;
        services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Systemd);
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddSingleton<IHostLifetime, SystemdLifetime>();
        return services;
    }

    /// <summary>A child of the node inherits the variable, but not the process id.</summary>
    private static bool IsMainProcess() =>
        Environment.GetEnvironmentVariable("SYSTEMD_EXEC_PID") == Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
}
