using Microsoft.Playwright;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// Waits for the page a click leads to. Playwright's <c>WaitForURLAsync</c> and <c>WaitForLoadStateAsync</c> check the
/// frame's load states and then subscribe to its events, on another thread than the one delivering them, so a
/// <c>load</c> that arrives in between is lost and the wait runs out although the page is there
/// (microsoft/playwright-dotnet#3364; seen in full runs as a 90 s timeout after "NetworkIdle event fired"). Here the
/// page's <c>Load</c> event is subscribed before the action, so no load can come first.
/// </summary>
internal static class PageLoads
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="action"/> and returns once a page whose address satisfies <paramref name="address"/> has loaded.</summary>
    public static async Task RunAndWaitForLoadAsync(this IPage page, Func<Task> action, Func<string, bool> address)
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLoad(object? sender, IPage loadedPage)
        {
            if (address(loadedPage.Url))
            {
                loaded.TrySetResult();
            }
        }

        page.Load += OnLoad;
        try
        {
            await action();
            try
            {
                await loaded.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"No page loaded within {Bound.TotalSeconds} s whose address fits; the page is at {page.Url}.");
            }
        }
        finally
        {
            page.Load -= OnLoad;
        }
    }
}
