using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Activities;
using ReleaseManagement.Azure.Email;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Approvals;

/// <summary>Registers the approval flow: options, stores, email, activities, the decision service and the pages.</summary>
public static class ApprovalsExtensions
{
    public static IServiceCollection AddApprovals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApprovalOptions>()
            .Bind(configuration.GetSection(ApprovalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<EmailOptions>()
            .Bind(configuration.GetSection(EmailOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => Enum.IsDefined(o.Transport), "Email:Transport must be Smtp or File.")
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.From, out _), "Email:From must be an email address, optionally with a display name.")
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>()
            .Bind(configuration.GetSection(SmtpOptions.Section))
            .ValidateDataAnnotations()
            .Validate<IOptions<EmailOptions>>(
                (smtp, email) => email.Value.Transport != EmailTransport.Smtp || !string.IsNullOrWhiteSpace(smtp.Host),
                "Smtp:Host is required when Email:Transport is Smtp.")
            .Validate(o => string.IsNullOrEmpty(o.Password) || !string.IsNullOrEmpty(o.UserName), "Smtp:Password is set without Smtp:UserName.")
            .ValidateOnStart();

        services.TryAddSingleton<IApprovalRequestStore>(sp => new TableApprovalRequestStore(sp.GetRequiredService<StorageClients>().Tables));
        services.TryAddSingleton<IApprovalDecisionStore>(sp => new TableApprovalDecisionStore(sp.GetRequiredService<StorageClients>().Tables));
        services.TryAddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.Transport == EmailTransport.File
            ? ActivatorUtilities.CreateInstance<FileEmailSender>(sp)
            : ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp));
        services.TryAddSingleton<IApprovalEmailComposer, ApprovalEmailComposer>();

        services.AddTransient<RequestApprovals>();
        services.AddTransient<CloseApprovalStage>();

        services.AddSingleton<ApprovalDecisionService>();
        services.AddSingleton<ApprovalPageHandlers>();
        return services;
    }
}
