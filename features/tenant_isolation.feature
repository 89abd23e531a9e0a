@isolation @two_accounts @writes
Feature: Tenant isolation
  Each account reads and writes only its own business; a write by one tenant
  never shows up in the other's.

  Scenario: Two accounts see two different businesses
    Given I am logged in as the primary account
    Then the second account sees a different business

  Scenario Outline: A write by <writer> leaves <other>'s business untouched
    Given I remember the settings of <other>
    When <writer> saves its settings with:
      | field       | value               |
      | name        | {{faker:company}}   |
      | description | {{faker:paragraph}} |
      | faqs        | {{faqs:2}}          |
    Then the request succeeds
    And the settings of <other> are unchanged

    Examples:
      | writer              | other               |
      | the primary account | the second account  |
      | the second account  | the primary account |
