using Mesh.Hub.AuditConsole.Approvals;
using Mesh.Hub.AuditConsole.Policies;

namespace Mesh.Hub.AuditConsole;

/// <summary>Registers and maps the audit console: server-rendered Razor components (docs/CONSOLE.md).</summary>
public static class ConsoleEndpoints
{
    public static IServiceCollection AddAuditConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton<Chains.ChainCheck>();
        return services;
    }

    public static IEndpointRouteBuilder MapAuditConsole(this IEndpointRouteBuilder endpoints)
    {
        ConsoleAssets.Map(endpoints);
        endpoints.MapApprovalForms().RequireAuthorization(Access.AccessPolicies.Operator);
        endpoints.MapPolicyForms().RequireAuthorization(Access.AccessPolicies.Admin);
        endpoints.MapRazorComponents<App>().RequireAuthorization(Access.AccessPolicies.Viewer);
        return endpoints;
    }
}
