@concurrency @writes
Feature: Concurrent saves
  Real users double-click Save, keep two tabs open, and go on editing while the audit of
  their description runs. Every scenario sends requests that overlap on the server, in
  several rounds with values of their own (a race is a matter of chance): --race-rounds,
  --race-requests. A failure names the round, its seed, what was lost and which request won.

  Background:
    Given I am logged in as the primary account

  Scenario: Partial saves of different fields at the same time all persist
    When I save each writable field at the same time, each in its own request
    Then every concurrent save succeeds
    And every field reads back as its own save wrote it

  Scenario: The same save sent several times at once is applied once
    When I send the same save several times at once
    Then every concurrent save succeeds
    And my settings read back as that save
    And the audit status is consistent with that save

  Scenario: Saves made while the audit is pending survive the audit
    When I change my description and keep saving other fields until its audit has finished
    Then every concurrent save succeeds
    And the audit's verdict and every later save are visible

  @two_accounts
  Scenario: Two accounts saving at the same time never see each other's values
    When both accounts save their settings at the same time
    Then every concurrent save succeeds
    And each account reads back only its own values
